/**
 * The webhook endpoints against requests made to abuse them: a signature made
 * for another URL, bodies made to cost the gateway time, and answers that
 * could tell which accounts it holds tokens for.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { chatFixture, listening, released, sentMessage, sseSubscribe, type ChatFixture, type Subscriber } from '../support/live.ts';

let env: GatewayEnv;
let chat: ChatFixture;
const opened: Subscriber[] = [];

const MESSAGE_ADDED = `subscription($s: String!, $c: String!) { chatMessageAdded(serviceSid: $s, channelSid: $c) { sid body } }`;

beforeAll(async () => {
  env = await startGateway();
  chat = await chatFixture(env);
});
afterAll(() => env?.close());
afterEach(async () => {
  for (const subscriber of opened.splice(0)) await subscriber.close();
  await released(env);
});

async function subscribeToMessages(): Promise<Subscriber> {
  const subscriber = await sseSubscribe(env.url, MESSAGE_ADDED, { s: chat.serviceSid, c: chat.channelSid });
  opened.push(subscriber);
  await listening(env, 1);
  return subscriber;
}

/** POSTs `body` to `path` with exactly the headers given (Host included), as a client that is not a browser may. */
function rawPost(path: string, headers: Record<string, string>, body: string, origin = env.url): Promise<{ status: number; body: string }> {
  const { port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: 'POST', path, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('the URL a signature is checked against', () => {
  it('is the webhook endpoint’s own: a signature Twilio made for another path does not verify through a Host header naming the endpoint', async () => {
    const subscriber = await subscribeToMessages();
    const webhook = await sentMessage(env, chat, 'signed for another URL', DEMO_ACCOUNT.accountSid);
    // Twilio signed this for another webhook of the account (a channel webhook pointed elsewhere, say).
    const signature = twilio.getExpectedTwilioSignature(DEMO_ACCOUNT.authToken, 'http://elsewhere.example/any/hook', webhook);
    const answer = await rawPost(
      '/any/hook',
      { host: 'elsewhere.example/webhooks/twilio/chat?', 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      new URLSearchParams(webhook).toString(),
    );
    expect(answer.status).not.toBe(200);
    expect(await subscriber.quietFor(300)).toBe(true);
  });

  it('is the endpoint under PUBLIC_BASE_URL, not any path under it', async () => {
    await using proxied = await startGateway({ gateway: { live: { publicBaseUrl: 'https://gw.example.com' } } });
    const fixture = await chatFixture(proxied);
    const subscriber = await sseSubscribe(proxied.url, MESSAGE_ADDED, { s: fixture.serviceSid, c: fixture.channelSid });
    opened.push(subscriber);
    await listening(proxied, 1);
    const webhook = await sentMessage(proxied, fixture, 'signed for another path', DEMO_ACCOUNT.accountSid);
    const signature = twilio.getExpectedTwilioSignature(DEMO_ACCOUNT.authToken, 'https://gw.example.com/other/hook', webhook);
    const { port } = new URL(proxied.url);
    const answer = await rawPost(
      '/other/hook',
      { host: `127.0.0.1:${port}/webhooks/twilio/chat#`, 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      new URLSearchParams(webhook).toString(),
      proxied.url,
    );
    expect(answer.status).not.toBe(200);
    expect(await subscriber.quietFor(300)).toBe(true);
    await subscriber.close();
    await released(proxied);
  });
});

describe('a Chat webhook of many parameters', () => {
  it('is refused before it is read or its signature computed: sorting and signing 100,000 parameters would hold the process', async () => {
    // Under the body limit, naming the account the gateway holds a token for, and signed by no one.
    const params = [`AccountSid=${DEMO_ACCOUNT.accountSid}`, 'EventType=onMessageSent'];
    for (let i = 0, size = 0; size < 900_000; i++) size += params.push(`p${i}=`) && `p${i}=`.length + 1;
    const started = Date.now();
    const answer = await rawPost(
      '/webhooks/twilio/chat',
      { host: new URL(env.url).host, 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'forged' },
      params.join('&'),
    );
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).errors[0]).toMatchObject({ extensions: { code: 'REQUEST_ENTITY_TOO_LARGE' } });
    expect(JSON.parse(answer.body).errors[0].message).toMatch(/parameters/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('of a thousand parameters or fewer is read as before', async () => {
    const params: Record<string, string> = { AccountSid: DEMO_ACCOUNT.accountSid, EventType: 'onMessageSent' };
    for (let i = 0; i < 998; i++) params[`p${i}`] = '';
    const answer = await rawPost(
      '/webhooks/twilio/chat',
      { host: new URL(env.url).host, 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'forged' },
      new URLSearchParams(params).toString(),
    );
    expect(answer.status).toBe(403);
  });
});

describe('a signed Chat webhook whose parameters are cut differently', () => {
  it('cannot move its event to another channel: a parameter named twice with different values is refused', async () => {
    // Twilio signs the parameters as one string, names and values run together: a body that reads
    // `…ChannelSid<another channel>` can be cut into a ChannelSid of its own, signed all the same.
    const [a, b] = [await chatFixture(env, {}, 0), await chatFixture(env, {}, 1)];
    const [victim, own] = a.channelSid < b.channelSid ? [a, b] : [b, a];
    const subscriber = await sseSubscribe(env.url, MESSAGE_ADDED, { s: victim.serviceSid, c: victim.channelSid });
    opened.push(subscriber);
    await listening(env, 1);
    const signed = await sentMessage(env, own, `x${'ChannelSid'}${victim.channelSid}`, DEMO_ACCOUNT.accountSid);
    const signature = twilio.getExpectedTwilioSignature(DEMO_ACCOUNT.authToken, `${env.url}/webhooks/twilio/chat`, signed);
    const cut = new URLSearchParams();
    for (const [name, value] of Object.entries(signed)) {
      if (name === 'Body') cut.append('Body', 'x');
      else if (name === 'ChannelSid') (cut.append('ChannelSid', victim.channelSid), cut.append('ChannelSid', value));
      else cut.append(name, value);
    }
    const answer = await rawPost(
      '/webhooks/twilio/chat',
      { host: new URL(env.url).host, 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      cut.toString(),
    );
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).errors[0]).toMatchObject({ extensions: { code: 'BAD_WEBHOOK_PAYLOAD' } });
    expect(JSON.parse(answer.body).errors[0].message).toMatch(/ChannelSid/);
    expect(await subscriber.quietFor(300)).toBe(true);
    // The same value twice says nothing new: read as once.
    const twice = new URLSearchParams(signed);
    twice.append('Source', signed.Source!);
    const again = await rawPost(
      '/webhooks/twilio/chat',
      { host: new URL(env.url).host, 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      twice.toString(),
    );
    expect(again.status).toBe(200);
  });
});
