import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as chat from '../../src/twilio/chat.ts';
import type { TwilioClient, TwilioTransport } from '../../src/twilio/client.ts';
import { TwilioTransportError } from '../../src/twilio/errors.ts';
import { fetchPageAt, iterateItems, iteratePages, pageParams } from '../../src/twilio/paging.ts';
import { ACCOUNT_SID, AUTH_TOKEN, json, startServer, testTransport, type TestServer } from './support/http.ts';

const SERVICE = 'IS0123456789abcdef0123456789abcdef';
const LIST_PATH = `/v2/Services/${SERVICE}/Channels`;
const CHANNELS = Array.from({ length: 7 }, (_, i) => ({ sid: `CH${i}`, service_sid: SERVICE, unique_name: `channel-${i}` }));

/** Twilio-style paging, with meta URLs that name Twilio's host as the real API does. */
function page(url: URL) {
  const size = Number(url.searchParams.get('PageSize') ?? 3);
  const start = Number(url.searchParams.get('PageToken')?.slice(2) ?? 0);
  const items = CHANNELS.slice(start, start + size);
  const at = (token: number | null) =>
    token === null ? null : `https://chat.twilio.com${LIST_PATH}?PageSize=${size}&Page=${token / size}&PageToken=PT${token}`;
  return {
    channels: items,
    meta: {
      page: start / size,
      page_size: size,
      first_page_url: `https://chat.twilio.com${LIST_PATH}?PageSize=${size}&Page=0`,
      previous_page_url: start > 0 ? at(Math.max(0, start - size)) : null,
      url: `https://chat.twilio.com${url.pathname}${url.search}`,
      next_page_url: start + size < CHANNELS.length ? at(start + size) : null,
      key: 'channels',
    },
  };
}

let oddUrl: unknown = null;

describe('paging', () => {
  let server: TestServer;
  let transport: TwilioTransport;
  let client: TwilioClient;

  beforeAll(async () => {
    server = await startServer((req, res) => {
      const url = new URL(req.url, 'http://x');
      if (url.pathname === LIST_PATH) return json(res, 200, page(url));
      if (url.pathname === '/v2/Services/ISloop/Channels') {
        return json(res, 200, {
          channels: [],
          meta: { ...page(url).meta, next_page_url: `https://chat.twilio.com/v2/Services/ISloop/Channels?PageToken=PTsame` },
        });
      }
      if (url.pathname === '/v2/Services/ISodd/Channels') {
        return json(res, 200, { channels: CHANNELS.slice(0, 2), meta: { ...page(url).meta, next_page_url: oddUrl, previous_page_url: oddUrl } });
      }
      json(res, 200, { unexpected: true });
    });
    transport = testTransport(server.url);
    client = transport.client({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  });

  afterAll(async () => {
    await transport?.close();
    await server?.close();
  });

  it('fetches one page with its meta and links', async () => {
    const first = await chat.listChannels(client, { path: { ServiceSid: SERVICE }, query: { PageSize: 3 } });
    expect(first.items.map((c) => c.sid)).toEqual(['CH0', 'CH1', 'CH2']);
    expect(first.meta).toMatchObject({ page: 0, page_size: 3, key: 'channels' });
    expect(first.nextPageUrl).toBe(`https://chat.twilio.com${LIST_PATH}?PageSize=3&Page=1&PageToken=PT3`);
    expect(first.previousPageUrl).toBeNull();
  });

  it("follows next_page_url on the configured origin, not Twilio's host", async () => {
    server.requests.length = 0;
    const pages = [];
    for await (const p of iteratePages(client, chat.chatOperations.ListChannel, { path: { ServiceSid: SERVICE }, query: { PageSize: 3 } })) {
      pages.push(p.items.map((c) => c.sid));
    }
    expect(pages).toEqual([['CH0', 'CH1', 'CH2'], ['CH3', 'CH4', 'CH5'], ['CH6']]);
    expect(server.requests.map((r) => r.url)).toEqual([
      `${LIST_PATH}?PageSize=3`,
      `${LIST_PATH}?PageSize=3&Page=1&PageToken=PT3`,
      `${LIST_PATH}?PageSize=3&Page=2&PageToken=PT6`,
    ]);
  });

  it('yields every item across pages, and stops at maxPages', async () => {
    const all: string[] = [];
    for await (const channel of iterateItems(client, chat.chatOperations.ListChannel, { path: { ServiceSid: SERVICE }, query: { PageSize: 2 } })) {
      all.push(channel.sid!);
    }
    expect(all).toEqual(CHANNELS.map((c) => c.sid));

    const limited: string[] = [];
    for await (const channel of iterateItems(
      client,
      chat.chatOperations.ListChannel,
      { path: { ServiceSid: SERVICE }, query: { PageSize: 2 } },
      { maxPages: 2 },
    )) {
      limited.push(channel.sid!);
    }
    expect(limited).toEqual(['CH0', 'CH1', 'CH2', 'CH3']);
  });

  it('goes back with previous_page_url', async () => {
    const second = await fetchPageAt(client, chat.chatOperations.ListChannel, `https://chat.twilio.com${LIST_PATH}?PageSize=3&PageToken=PT3`);
    expect(second.items.map((c) => c.sid)).toEqual(['CH3', 'CH4', 'CH5']);
    const back = await fetchPageAt(client, chat.chatOperations.ListChannel, second.previousPageUrl!);
    expect(back.items.map((c) => c.sid)).toEqual(['CH0', 'CH1', 'CH2']);
  });

  it('refuses a page URL for another resource', async () => {
    await expect(fetchPageAt(client, chat.chatOperations.ListChannel, `https://chat.twilio.com/v2/Services/${SERVICE}/Users?PageToken=PT1`)).rejects.toThrow(
      `Page URL for chat.ListChannel must have a path matching /v2/Services/{ServiceSid}/Channels, but got /v2/Services/${SERVICE}/Users`,
    );
    await expect(fetchPageAt(client, chat.chatOperations.ListChannel, '/v2/Services/../Channels')).rejects.toThrow(/must have a path matching/);
  });

  it('stops a server that hands out the same next page forever', async () => {
    const pages = iteratePages(client, chat.chatOperations.ListChannel, { path: { ServiceSid: 'ISloop' } });
    await expect(async () => {
      for await (const _ of pages);
    }).rejects.toThrow(TwilioTransportError);
  });

  it.each([
    'https://chat.twilio.com',
    'https://chat.twilio.com?PageToken=PT3',
    'not a url',
    '',
    '//elsewhere.example/v2/Services/ISodd/Channels?PageToken=PT3',
    'ftp://chat.twilio.com/v2/Services/ISodd/Channels?PageToken=PT3',
    `https://chat.twilio.com/v2/Services/${SERVICE}/Users?PageToken=PT3`,
    42,
    { href: 'https://chat.twilio.com' },
  ])('reads a page URL it cannot follow (%j) as no page at all', async (url) => {
    oddUrl = url;
    const pages = [];
    for await (const p of iteratePages(client, chat.chatOperations.ListChannel, { path: { ServiceSid: 'ISodd' } })) pages.push(p);
    expect(pages).toHaveLength(1);
    expect(pages[0]).toMatchObject({ nextPageUrl: null, previousPageUrl: null });
    expect(pages[0]!.items.map((c) => c.sid)).toEqual(['CH0', 'CH1']);
    expect(pages[0]!.meta.next_page_url).toEqual(url);
  });

  it('follows a page URL of another host by its path, on the configured origin', async () => {
    oddUrl = `https://elsewhere.example${LIST_PATH}?PageSize=3&Page=1&PageToken=PT3`;
    const first = await chat.listChannels(client, { path: { ServiceSid: 'ISodd' } });
    expect(first.nextPageUrl).toBe(oddUrl);
    server.requests.length = 0;
    expect((await fetchPageAt(client, chat.chatOperations.ListChannel, first.nextPageUrl!)).items.map((c) => c.sid)).toEqual(['CH3', 'CH4', 'CH5']);
    expect(server.requests.map((r) => r.url)).toEqual([`${LIST_PATH}?PageSize=3&Page=1&PageToken=PT3`]);
  });

  it('reads the paging parameters out of a page URL', () => {
    expect(pageParams(`https://chat.twilio.com${LIST_PATH}?PageSize=3&Page=1&PageToken=PT3`)).toEqual({
      PageSize: 3,
      Page: 1,
      PageToken: 'PT3',
    });
    expect(pageParams(LIST_PATH)).toEqual({});
    expect(pageParams('https://chat.twilio.com?PageToken=PT3')).toEqual({});
  });
});
