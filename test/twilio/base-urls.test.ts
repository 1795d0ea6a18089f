import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { resolveBaseUrls, twilioHostname } from '../../src/twilio/base-urls.ts';

describe('resolveBaseUrls', () => {
  it("uses Twilio's hosts by default", () => {
    expect(resolveBaseUrls({ env: {} })).toEqual({
      chat: 'https://chat.twilio.com',
      proxy: 'https://proxy.twilio.com',
      events: 'https://events.twilio.com',
      accounts: 'https://accounts.twilio.com',
    });
  });

  it('lets TWILIO_BASE_URL replace all four origins, and a product variable replace one', () => {
    const env = {
      TWILIO_BASE_URL: 'http://127.0.0.1:4010/',
      TWILIO_PROXY_BASE_URL: 'http://127.0.0.1:5000',
    };
    expect(resolveBaseUrls({ env })).toEqual({
      chat: 'http://127.0.0.1:4010',
      proxy: 'http://127.0.0.1:5000',
      events: 'http://127.0.0.1:4010',
      accounts: 'http://127.0.0.1:4010',
    });
  });

  it('lets each product variable stand alone', () => {
    const env = {
      TWILIO_CHAT_BASE_URL: 'http://chat.local:1',
      TWILIO_EVENTS_BASE_URL: 'http://events.local:3',
      TWILIO_ACCOUNTS_BASE_URL: 'https://accounts.local',
    };
    expect(resolveBaseUrls({ env })).toEqual({
      chat: 'http://chat.local:1',
      proxy: 'https://proxy.twilio.com',
      events: 'http://events.local:3',
      accounts: 'https://accounts.local',
    });
  });

  it('prefers options over the environment at the same specificity', () => {
    const env = { TWILIO_BASE_URL: 'http://env:1', TWILIO_CHAT_BASE_URL: 'http://env-chat:2' };
    const urls = resolveBaseUrls({ env, baseUrl: 'http://opt:3', baseUrls: { proxy: 'http://opt-proxy:4' } });
    expect(urls).toEqual({
      chat: 'http://env-chat:2', // product-specific beats the all-products option
      proxy: 'http://opt-proxy:4',
      events: 'http://opt:3',
      accounts: 'http://opt:3',
    });
  });

  it('applies edge and region like twilio-node', () => {
    expect(resolveBaseUrls({ env: {}, edge: 'sydney', region: 'au1' }).chat).toBe('https://chat.sydney.au1.twilio.com');
    expect(resolveBaseUrls({ env: {}, edge: 'dublin' }).proxy).toBe('https://proxy.dublin.us1.twilio.com');
    expect(resolveBaseUrls({ env: {}, region: 'ie1' }).events).toBe('https://events.ie1.twilio.com');
    expect(resolveBaseUrls({ env: { TWILIO_EDGE: 'tokyo', TWILIO_REGION: 'jp1' } }).accounts).toBe('https://accounts.tokyo.jp1.twilio.com');
    // An override origin is used as given: edge and region only shape Twilio's own hosts.
    expect(resolveBaseUrls({ env: { TWILIO_BASE_URL: 'http://127.0.0.1:9' }, edge: 'sydney' }).chat).toBe('http://127.0.0.1:9');
  });

  it('rejects values that are not a bare origin, naming the variable', () => {
    expect(() => resolveBaseUrls({ env: { TWILIO_BASE_URL: 'localhost:4010' } })).toThrow(/TWILIO_BASE_URL must use http or https/);
    expect(() => resolveBaseUrls({ env: { TWILIO_CHAT_BASE_URL: 'http://h/v2' } })).toThrow(
      /TWILIO_CHAT_BASE_URL must be an origin only .* but got "http:\/\/h\/v2"/,
    );
    expect(() => resolveBaseUrls({ env: {}, baseUrl: 'not a url' })).toThrow(/baseUrl must be an absolute http\(s\) URL/);
    // Credentials in the URL are refused and not echoed.
    expect(() => resolveBaseUrls({ env: { TWILIO_BASE_URL: 'http://u:hunter2@h' } })).toThrow(/^(?!.*hunter2)/);
  });
});

describe('twilioHostname', () => {
  it('mirrors getHostname in twilio-node', () => {
    expect(twilioHostname('chat.twilio.com')).toBe('chat.twilio.com');
    expect(twilioHostname('chat.twilio.com', 'sydney')).toBe('chat.sydney.us1.twilio.com');
    expect(twilioHostname('chat.twilio.com', undefined, 'au1')).toBe('chat.au1.twilio.com');
    expect(twilioHostname('chat.au1.twilio.com', 'sydney')).toBe('chat.sydney.au1.twilio.com');
    expect(twilioHostname('chat.sydney.au1.twilio.com', undefined, 'jp1')).toBe('chat.sydney.jp1.twilio.com');
  });
});

describe('twilioHostname against twilio-node itself', () => {
  const official = twilio('AC0123456789abcdef0123456789abcdef', 'unused');
  const hosts = ['chat.twilio.com', 'proxy.au1.twilio.com', 'events.dublin.ie1.twilio.com'];
  const edges = [undefined, 'sydney'];
  const regions = [undefined, 'jp1'];
  for (const host of hosts)
    for (const edge of edges)
      for (const region of regions) {
        it(`${host} edge=${edge} region=${region}`, () => {
          expect(twilioHostname(host, edge, region)).toBe(official.getHostname(host, edge, region));
        });
      }
});
