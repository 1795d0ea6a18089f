/**
 * Subscriptions with an API key: Twilio accepts a key whatever account
 * X-Twilio-Account-Sid names, so the account a subscription listens to must be
 * proven by what Twilio answers, never taken from the header.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNTS, DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import {
  basic,
  chatFixture,
  listening,
  postEventStreamsWebhook,
  released,
  sseSubscribe,
  until,
  wsClient,
  wsSubscribe,
  type ChatFixture,
  type Received,
  type Subscriber,
} from '../support/live.ts';

/** Another tenant of the same gateway, with an API key of its own. */
const INTRUDER = {
  accountSid: 'AC00000000000000000000000000000003',
  authToken: 'intruder-auth-token',
  apiKey: 'SK00000000000000000000000000000003',
  apiSecret: 'intruder-api-secret',
};
/** The intruder's own key, claiming the demo account. */
const CLAIMING_DEMO = { authorization: basic(INTRUDER.apiKey, INTRUDER.apiSecret), 'x-twilio-account-sid': DEMO_ACCOUNT.accountSid };

const STREAM = `subscription { eventStreamEvents { id accountSid data } }`;
const MESSAGE_ADDED = `subscription($s: String!, $c: String!) { chatMessageAdded(serviceSid: $s, channelSid: $c) { sid body } }`;

let env: GatewayEnv;
let intruderChat: ChatFixture;

beforeAll(async () => {
  env = await startGateway({
    emulator: {
      accounts: [...DEFAULT_ACCOUNTS, { accountSid: INTRUDER.accountSid, authToken: INTRUDER.authToken, apiKeys: { [INTRUDER.apiKey]: INTRUDER.apiSecret } }],
    },
  });
  intruderChat = await chatFixture(env, { authorization: basic(INTRUDER.accountSid, INTRUDER.authToken) });
});
afterAll(() => env?.close());
/** What each test opened, closed however it ends, before checking that nothing is left held. */
const opened: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of opened.splice(0)) await close();
  await released(env);
});

let nextId = 0;
function demoDelivery(): { id: string; post: () => ReturnType<typeof postEventStreamsWebhook> } {
  const id = `EZ${String(++nextId).padStart(32, '0')}`;
  const event = {
    specversion: '1.0',
    type: 'com.twilio.messaging.message.sent',
    source: `/2010-04-01/Accounts/${DEMO_ACCOUNT.accountSid}/Messages/SM1.json`,
    id,
    data: { accountSid: DEMO_ACCOUNT.accountSid, body: 'demo secret' },
  };
  return { id, post: () => postEventStreamsWebhook(env.url, [event], DEMO_ACCOUNT.authToken) };
}

/** The subscription's first result: refused, it answers at once; left listening, it is sent the demo account's next event. */
async function firstResult(sub: Subscriber): Promise<Received> {
  await until(() => sub.completed || env.gateway.subscriptions.streaming > 0, 'the subscription to be refused or to listen');
  if (!sub.completed) expect((await demoDelivery().post()).status).toBe(200);
  return sub.next();
}

describe('an API key claiming another account', () => {
  it('cannot subscribe to that account’s Event Streams events over SSE', async () => {
    const sub = await sseSubscribe(env.url, STREAM, {}, CLAIMING_DEMO);
    opened.push(() => sub.close());
    const first = await firstResult(sub);
    expect(JSON.stringify(first)).not.toContain('demo secret');
    expect(first.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('cannot subscribe to that account’s Event Streams events over graphql-ws', async () => {
    const client = wsClient(env.url, CLAIMING_DEMO);
    opened.push(async () => client.dispose());
    const sub = wsSubscribe(client, STREAM);
    const first = await firstResult(sub);
    expect(JSON.stringify(first)).not.toContain('demo secret');
    expect(first.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('cannot hold a Chat subscription under that account, even on a channel the key reaches', async () => {
    const sub = await sseSubscribe(env.url, MESSAGE_ADDED, { s: intruderChat.serviceSid, c: intruderChat.channelSid }, CLAIMING_DEMO);
    opened.push(() => sub.close());
    expect((await sub.next()).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('an API key naming its own account', () => {
  it('receives its account’s Event Streams events', async () => {
    const own = { authorization: basic(DEMO_ACCOUNT.apiKey, DEMO_ACCOUNT.apiSecret), 'x-twilio-account-sid': DEMO_ACCOUNT.accountSid };
    const sub = await sseSubscribe(env.url, STREAM, {}, own);
    opened.push(() => sub.close());
    await listening(env, 1);
    const delivery = demoDelivery();
    expect((await delivery.post()).status).toBe(200);
    expect((await sub.next()).data.eventStreamEvents).toMatchObject({ id: delivery.id, accountSid: DEMO_ACCOUNT.accountSid });
  });

  it('subscribes to its account’s Chat channel', async () => {
    const own = { authorization: basic(INTRUDER.apiKey, INTRUDER.apiSecret), 'x-twilio-account-sid': INTRUDER.accountSid };
    const sub = await sseSubscribe(env.url, MESSAGE_ADDED, { s: intruderChat.serviceSid, c: intruderChat.channelSid }, own);
    opened.push(() => sub.close());
    await listening(env, 1);
  });
});

describe('the gateway’s own API key', () => {
  it('is the operator’s word for its account: anonymous subscribers receive that account’s events', async () => {
    await using keyed = await startGateway({
      gateway: {
        credentials: { accountSid: DEMO_ACCOUNT.accountSid, apiKey: DEMO_ACCOUNT.apiKey, apiSecret: DEMO_ACCOUNT.apiSecret },
        live: { signingAccounts: [{ accountSid: DEMO_ACCOUNT.accountSid, authToken: DEMO_ACCOUNT.authToken }] },
      },
    });
    const sub = await sseSubscribe(keyed.url, STREAM);
    opened.push(() => sub.close());
    await listening(keyed, 1);
    const event = { specversion: '1.0', type: 'com.twilio.eventstreams.test-event', source: 'Sink', id: 'EZ000000000000000000000000000000ff', data: {} };
    expect((await postEventStreamsWebhook(keyed.url, [event], DEMO_ACCOUNT.authToken, { query: `AccountSid=${DEMO_ACCOUNT.accountSid}` })).status).toBe(200);
    expect((await sub.next()).data.eventStreamEvents).toMatchObject({ id: event.id, accountSid: DEMO_ACCOUNT.accountSid });
    await sub.close();
    await released(keyed);
  });
});
