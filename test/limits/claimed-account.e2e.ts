/**
 * Twilio accepts an API key whatever account X-Twilio-Account-Sid names, and
 * answers with the key's own account. So until an answer shows a key to be the
 * account's it names, the key's calls hold slots of their own: a key of one
 * account cannot take another account's in-flight slots by naming it.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ACCOUNTS, DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { basic } from '../support/live.ts';

const INTRUDER = {
  accountSid: 'AC00000000000000000000000000000003',
  authToken: 'intruder-auth-token',
  apiKey: 'SK00000000000000000000000000000003',
  apiSecret: 'intruder-api-secret',
};
const CLAIMING_DEMO = { authorization: basic(INTRUDER.apiKey, INTRUDER.apiSecret), 'x-twilio-account-sid': DEMO_ACCOUNT.accountSid };
const DEMO_KEY = { authorization: basic(DEMO_ACCOUNT.apiKey, DEMO_ACCOUNT.apiSecret), 'x-twilio-account-sid': DEMO_ACCOUNT.accountSid };
const SERVICES = `{ chatServices(first: 1) { nodes { sid } } }`;

let env: GatewayEnv;

beforeAll(async () => {
  env = await startGateway({
    emulator: {
      accounts: [...DEFAULT_ACCOUNTS, { accountSid: INTRUDER.accountSid, authToken: INTRUDER.authToken, apiKeys: { [INTRUDER.apiKey]: INTRUDER.apiSecret } }],
    },
  });
});
afterAll(() => env?.close());
beforeEach(() => env.emulator.clearFaults());

const active = (key: string) => env.transport.limiter.stats(key).active;

/** Sends `headers`' query while Twilio holds its answer, and says whose slots it held meanwhile. */
async function heldWhileStalled(headers: Record<string, string>, key: string): Promise<{ account: number; key: number; answer: any }> {
  env.emulator.injectFault({ operation: 'chat.ListService', stallMs: 800, count: 1 });
  const answer = env.query(SERVICES, undefined, headers);
  await expect.poll(() => active(DEMO_ACCOUNT.accountSid) + active(key), { timeout: 5_000, interval: 10 }).toBe(1);
  const held = { account: active(DEMO_ACCOUNT.accountSid), key: active(key) };
  return { ...held, answer: await answer };
}

describe('an API key naming an account in X-Twilio-Account-Sid', () => {
  it("holds its own slots, not the named account's, when Twilio's answers are another account's", async () => {
    const key = `~${INTRUDER.apiKey}`;
    const first = await heldWhileStalled(CLAIMING_DEMO, key);
    expect(first).toMatchObject({ account: 0, key: 1 });
    expect(first.answer.errors).toBeUndefined();
    // The answer was the intruder's own account: the claim is still unproven.
    const second = await heldWhileStalled(CLAIMING_DEMO, key);
    expect(second).toMatchObject({ account: 0, key: 1 });
  });

  it("holds the account's slots once an answer shows the key is the account's", async () => {
    const key = `~${DEMO_ACCOUNT.apiKey}`;
    const first = await heldWhileStalled(DEMO_KEY, key);
    expect(first).toMatchObject({ account: 0, key: 1 });
    expect(first.answer.data.chatServices.nodes).toHaveLength(1);
    const second = await heldWhileStalled(DEMO_KEY, key);
    expect(second).toMatchObject({ account: 1, key: 0 });
  });
});
