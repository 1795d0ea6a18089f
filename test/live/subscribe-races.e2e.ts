/**
 * A subscription whose client leaves, or whose gateway shuts down, while it
 * is still subscribing (its first REST read, its topic) holds nothing
 * afterwards: no slot, no listener, no timer.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { chatFixture, sseSubscribe, until, wsClient, wsSubscribe, type ChatFixture } from '../support/live.ts';

const MESSAGE_ADDED = `subscription($s: String!, $c: String!) { chatMessageAdded(serviceSid: $s, channelSid: $c) { sid body } }`;
/** Long enough to act while the subscription waits for its first read; short enough for a quick test. */
const STALL_MS = 600;

let env: GatewayEnv;
let chat: ChatFixture;
beforeEach(async () => {
  env = await startGateway();
  chat = await chatFixture(env);
});
afterEach(() => env?.close());

/** Starts an SSE subscription that will wait STALL_MS for its channel to be read; resolves once it holds its slot. */
async function subscribingOverSse(): Promise<{ client: AbortController; response: Promise<unknown> }> {
  env.emulator.injectFault({ operation: 'chat.FetchChannel', stallMs: STALL_MS });
  const client = new AbortController();
  const response = fetch(`${env.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query: MESSAGE_ADDED, variables: { s: chat.serviceSid, c: chat.channelSid } }),
    signal: client.signal,
  }).catch((error: unknown) => error);
  await until(() => env.gateway.subscriptions.size === 1, 'the subscription to take its slot');
  return { client, response };
}

const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

describe('a client that leaves while its subscription subscribes', () => {
  it('over SSE: the subscription never starts, and gives back its slot, its listener and its timers', async () => {
    const before = timers();
    const { client, response } = await subscribingOverSse();
    client.abort();
    await response;
    await new Promise((resolve) => setTimeout(resolve, STALL_MS + 300));
    await until(() => env.gateway.subscriptions.size === 0, 'the slot to be given back', 2_000);
    expect(env.gateway.subscriptions.streaming).toBe(0);
    await until(() => timers() <= before, `no timer left behind (${timers()} now, ${before} before)`, 2_000);
  });

  it('over graphql-ws: the same', async () => {
    env.emulator.injectFault({ operation: 'chat.FetchChannel', stallMs: STALL_MS });
    const client = wsClient(env.url);
    wsSubscribe(client, MESSAGE_ADDED, { s: chat.serviceSid, c: chat.channelSid });
    await until(() => env.gateway.subscriptions.size === 1, 'the subscription to take its slot');
    await client.dispose();
    await new Promise((resolve) => setTimeout(resolve, STALL_MS + 300));
    await until(() => env.gateway.subscriptions.size === 0, 'the slot to be given back', 2_000);
  });
});

describe('shutdown while a subscription subscribes', () => {
  it('ends it too: it completes instead of listening on', async () => {
    const { response } = await subscribingOverSse();
    env.gateway.subscriptions.closeAll();
    const res = (await response) as Response;
    const text = await res.text();
    expect(text).toContain('event: complete');
    expect(env.gateway.subscriptions.size).toBe(0);
    expect(env.gateway.subscriptions.streaming).toBe(0);
  });

  it('over graphql-ws too', async () => {
    env.emulator.injectFault({ operation: 'chat.FetchChannel', stallMs: STALL_MS });
    const client = wsClient(env.url);
    const sub = wsSubscribe(client, MESSAGE_ADDED, { s: chat.serviceSid, c: chat.channelSid });
    await until(() => env.gateway.subscriptions.size === 1, 'the subscription to take its slot');
    env.gateway.subscriptions.closeAll();
    await until(() => sub.completed, 'the subscription to complete', STALL_MS + 2_000);
    expect(env.gateway.subscriptions.size).toBe(0);
    await client.dispose();
  });
});

it('a subscriber that stays is unaffected', async () => {
  const sub = await sseSubscribe(env.url, MESSAGE_ADDED, { s: chat.serviceSid, c: chat.channelSid });
  await until(() => env.gateway.subscriptions.streaming === 1, 'the subscription to listen');
  await sub.close();
  await until(() => env.gateway.subscriptions.size === 0, 'the slot to be given back');
});
