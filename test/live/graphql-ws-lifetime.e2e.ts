/**
 * An operation over graphql-ws has the lifetime of an HTTP request: its REST
 * calls stop at the request deadline, when its socket closes, and at
 * shutdown; a subscription's own events go on with their own deadline.
 */
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { chatFixture, listening, postChatWebhook, sentMessage, until, wsClient, wsSubscribe } from '../support/live.ts';

let env: GatewayEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const SERVICES = '{ chatServices(first: 1) { nodes { sid } } }';

describe('a query over graphql-ws', () => {
  it('answers at the request deadline with DEADLINE_EXCEEDED, as over HTTP', async () => {
    env = await startGateway({ gateway: { requestTimeoutMs: 300 } });
    // Once Twilio has accepted the credential, its calls no longer go one at a time.
    expect((await env.query(SERVICES)).errors).toBeUndefined();
    env.emulator.injectFault({ operation: 'chat.ListService', stallMs: 4_000 });
    const client = wsClient(env.url);
    const started = Date.now();
    const result = await wsSubscribe(client, SERVICES).next(3_000);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result.errors?.[0]?.extensions?.code).toBe('DEADLINE_EXCEEDED');
    await client.dispose();
    expect(env.gateway.requests.size).toBe(0);
  });

  it('stops its REST calls when its socket closes', async () => {
    env = await startGateway();
    expect((await env.query(SERVICES)).errors).toBeUndefined();
    env.emulator.injectFault({ operation: 'chat.ListService', stallMs: 4_000 });
    const client = wsClient(env.url);
    wsSubscribe(client, SERVICES);
    const current = env;
    await until(() => current.transport.limiter.stats(DEMO_ACCOUNT.accountSid).active === 1, 'the query’s REST call');
    expect(current.gateway.requests.size).toBe(1);
    await client.dispose();
    await until(() => current.transport.limiter.stats(DEMO_ACCOUNT.accountSid).active === 0, 'the REST call to be cancelled', 1_500);
    expect(current.gateway.requests.size).toBe(0);
  });

  it('keeps an answer in parts (@defer) in its lifetime until its last part: its deferred calls stop when its socket closes', async () => {
    env = await startGateway();
    expect((await env.query(SERVICES)).errors).toBeUndefined();
    env.emulator.injectFault({ operation: 'chat.ListService', stallMs: 4_000 });
    const client = wsClient(env.url);
    wsSubscribe(client, `{ __typename ... @defer { chatServices(first: 1) { nodes { sid } } } }`);
    const current = env;
    await until(() => current.transport.limiter.stats(DEMO_ACCOUNT.accountSid).active === 1, 'the deferred REST call');
    // Its first part has been sent; the operation still runs, and counts.
    expect(current.gateway.requests.size).toBe(1);
    await client.dispose();
    await until(() => current.transport.limiter.stats(DEMO_ACCOUNT.accountSid).active === 0, 'the deferred REST call to be cancelled', 1_500);
    expect(current.gateway.requests.size).toBe(0);
  });
});

describe('a subscription over graphql-ws', () => {
  it('outlives the request deadline, and each of its events has its own', async () => {
    env = await startGateway({ gateway: { requestTimeoutMs: 300 } });
    const chat = await chatFixture(env);
    const client = wsClient(env.url);
    const events = wsSubscribe(
      client,
      `subscription($s: String!, $c: String!) { chatMessageAdded(serviceSid: $s, channelSid: $c) { sid body author { friendlyName } } }`,
      {
        s: chat.serviceSid,
        c: chat.channelSid,
      },
    );
    await listening(env, 1);
    expect(env.gateway.requests.size).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const webhook = await sentMessage(env, chat, 'after the deadline', DEMO_ACCOUNT.accountSid);
    expect((await postChatWebhook(env.url, webhook, DEMO_ACCOUNT.authToken)).status).toBe(200);
    expect((await events.next()).data.chatMessageAdded).toMatchObject({ body: 'after the deadline', author: { friendlyName: chat.friendlyName } });
    await client.dispose();
  });
});

describe('the operations of one connection', () => {
  it('run at most 100 at once: past that, each is refused with TOO_MANY_OPERATIONS, so one socket cannot queue work without end', async () => {
    env = await startGateway();
    expect((await env.query(SERVICES)).errors).toBeUndefined();
    env.emulator.injectFault({ operation: 'chat.ListService', stallMs: 1_500, count: 150 });
    const socket = new WebSocket(`${env.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise((resolve) => socket.once('message', resolve));
    const refused: string[] = [];
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw));
      if (message.type === 'error') refused.push(message.payload[0].extensions.code);
    });
    // Each message costs its sender a few bytes; each operation held costs the gateway far more.
    for (let i = 0; i < 150; i++) socket.send(JSON.stringify({ id: String(i), type: 'subscribe', payload: { query: SERVICES } }));
    const current = env;
    await until(() => refused.length === 50, `50 operations refused (${refused.length} so far)`, 1_200);
    expect(new Set(refused)).toEqual(new Set(['TOO_MANY_OPERATIONS']));
    expect(current.gateway.requests.size).toBe(100);
    socket.terminate();
    await until(() => current.gateway.requests.size === 0, 'the operations to end with their socket');
  });
});
