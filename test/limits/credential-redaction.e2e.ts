/**
 * Whatever Twilio writes in an error, the credentials in use never reach the
 * client: not in messages, `moreInfo` or `userErrors`, whole, encoded or cut
 * short. Faults script Twilio quoting them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { basic, supportServiceSid } from './helpers.ts';

let env: GatewayEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const TOKEN = 'tok/en+with=special chars&more~9f2c7d';
const ACCOUNT = DEMO_ACCOUNT.accountSid;
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** The ways Twilio (or something in front of it) could quote a secret. */
function quotes(user: string, secret: string): string[] {
  return [
    secret,
    encodeURIComponent(secret),
    new URLSearchParams({ v: secret }).toString().slice(2),
    b64(secret),
    b64(`${user}:${secret}`),
    secret.slice(0, 10),
    b64(`${user}:${secret}`).slice(0, -6),
  ];
}

function expectNone(text: string, forms: string[]): void {
  for (const form of forms) expect(text, `the answer quotes ${form}`).not.toContain(form);
}

describe('errors relayed from Twilio', () => {
  it('carry no form of the auth token in messages, moreInfo or userErrors', async () => {
    env = await startGateway({
      emulator: { accounts: [{ accountSid: ACCOUNT, authToken: TOKEN }] },
      gateway: { credentials: { accountSid: ACCOUNT, authToken: TOKEN } },
    });
    const service = await supportServiceSid(env, basic(ACCOUNT, TOKEN));
    const forms = quotes(ACCOUNT, TOKEN);
    const said = forms.map((f, i) => `form ${i}: ${f}.`).join(' ');
    const answers: string[] = [];

    // A read failing upstream: message and moreInfo.
    env.emulator.injectFault({
      operation: 'chat.FetchService',
      status: 500,
      message: `Upstream failure for ${ACCOUNT}. ${said}`,
      moreInfo: `https://www.twilio.com/docs/errors/20500?auth=${forms[4]}`,
    });
    const read = await env.query(`query($s: String!) { chatService(sid: $s) { friendlyName } }`, { s: service });
    expect(read.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    expect(read.errors?.[0]?.message).toContain('[redacted]');
    // The account SID is not a secret and stays.
    expect(read.errors?.[0]?.message).toContain(`Upstream failure for ${ACCOUNT}.`);
    expect(read.errors?.[0]?.extensions?.moreInfo).toBe('https://www.twilio.com/docs/errors/20500?auth=[redacted]');
    answers.push(JSON.stringify(read));

    // A write Twilio refuses: userErrors.
    env.emulator.injectFault({ operation: 'chat.CreateChannel', status: 400, code: 20001, message: `Invalid parameter FriendlyName: ${said}` });
    const refused = await env.query(
      `mutation($s: String!) { createChatChannel(input: { serviceSid: $s, friendlyName: "x" }) { chatChannel { sid } userErrors { field message code } } }`,
      { s: service },
    );
    const userError = refused.data.createChatChannel.userErrors[0];
    expect(userError.code).toBe('INVALID_INPUT');
    expect(userError.message).toMatch(/^Invalid parameter FriendlyName: form 0: \[redacted\]\./);
    answers.push(JSON.stringify(refused));

    for (const text of answers) expectNone(text, forms);
  });

  it("carry no form of a request's own API key and secret", async () => {
    env = await startGateway();
    const service = await supportServiceSid(env);
    const { apiKey, apiSecret } = DEMO_ACCOUNT;
    const forms = [...quotes(apiKey, apiSecret), apiKey];
    env.emulator.injectFault({ operation: 'chat.FetchService', status: 503, count: 10, message: `Key ${apiKey} with ${forms.join(' and ')} failed` });
    const res = await env.query(
      `query($s: String!) { chatService(sid: $s) { friendlyName } }`,
      { s: service },
      {
        authorization: basic(apiKey, apiSecret),
        'x-twilio-account-sid': ACCOUNT,
      },
    );
    expect(res.errors?.[0]?.message).toMatch(/^Key \[redacted\] with \[redacted\]/);
    expectNone(JSON.stringify(res), forms);
  });
});
