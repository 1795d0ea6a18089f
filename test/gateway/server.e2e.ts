/**
 * What the server does around the schema: which browsers may call it, which
 * credentials a request may bring, and how much one request may cost.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { twilioFetch } from '../emulator/helpers.ts';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';

let env: GatewayEnv;
let support: string;

beforeAll(async () => {
  env = await startGateway({ gateway: { corsOrigins: ['https://app.example.com'], maxRestCallsPerRequest: 30 } });
  const services = await twilioFetch(env.emulator, 'GET', '/v2/Services');
  support = services.body.services.find((s: any) => s.friendly_name === 'Acme Support').sid;
});
afterAll(() => env?.close());
beforeEach(() => env.resetCalls());

describe('browsers', () => {
  it('refuses a form post, which a page on any origin could send without a preflight', async () => {
    const res = await fetch(`${env.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: 'query=mutation{createSecondaryAuthToken{secondaryAuthToken{authToken}}}',
    });
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('authToken"');
    expect(env.totalCalls()).toBe(0);
  });

  it('gives no CORS permission to an origin that is not allowed', async () => {
    const preflight = await fetch(`${env.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    // A browser needs its own origin echoed back; anything else denies the page.
    expect(preflight.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
    const post = await fetch(`${env.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ query: '{ chatServices { nodes { sid } } }' }),
    });
    expect(post.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
  });

  it('lets an allowed origin call it', async () => {
    const preflight = await fetch(`${env.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });
});

describe('credentials', () => {
  it('requires X-Twilio-Account-Sid with an API key, and uses the key with it', async () => {
    const auth = 'Basic ' + Buffer.from(`${DEMO_ACCOUNT.apiKey}:${DEMO_ACCOUNT.apiSecret}`).toString('base64');
    const without = await env.query('{ chatServices { nodes { sid } } }', undefined, { authorization: auth });
    expect(without.status).toBe(401);
    expect(without.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(without.errors?.[0]?.message).toContain('X-Twilio-Account-Sid');
    const withAccount = await env.query('{ chatServices { nodes { sid } } }', undefined, {
      authorization: auth,
      'x-twilio-account-sid': DEMO_ACCOUNT.accountSid,
    });
    expect(withAccount.errors).toBeUndefined();
    expect(withAccount.data.chatServices.nodes).toHaveLength(2);
  });
});

describe('cost of a request', () => {
  it('sends the same read once however many fields want it', async () => {
    const res = await env.query(
      `query($sid: String!) { chatService(sid: $sid) { channels(first: 2) { nodes { members(first: 3) { nodes { identity user { channels(first: 2) { nodes { channelSid } } } } } } } }
        again: chatService(sid: $sid) { channels(first: 2) { nodes { members(first: 3) { nodes { identity user { channels(first: 2) { nodes { channelSid } } } } } } } } }`,
      { sid: support },
    );
    expect(res.errors).toBeUndefined();
    const identities = [res.data.chatService, res.data.again].flatMap((s: any) =>
      s.channels.nodes.flatMap((c: any) => c.members.nodes.map((m: any) => m.identity)),
    );
    const users = new Set(identities);
    expect(identities).toHaveLength(2 * users.size); // every user appears under both aliases
    // Two aliases, one ListChannel and one ListMember per channel; one ListUserChannel per distinct user.
    expect(env.calls()['chat.ListChannel']).toBe(1);
    expect(env.calls()['chat.ListMember']).toBe(2);
    expect(env.calls()['chat.ListUserChannel']).toBe(users.size);
  });

  it("reads the memberships behind users' channels once per channel, not once per membership", async () => {
    const roomy = await startGateway();
    try {
      const res = await roomy.query(
        `query($sid: String!) { chatService(sid: $sid) { users(first: 10) { nodes { channels(first: 10) { nodes { channelSid member { lastConsumedMessageIndex } } } } } } }`,
        { sid: support },
      );
      expect(res.errors).toBeUndefined();
      const channels = new Set<string>();
      for (const user of res.data.chatService.users.nodes) for (const c of user.channels.nodes) channels.add(c.channelSid);
      // 1 ListUser, 10 ListUserChannel (one per user), one ListMember per distinct channel: no FetchMember at all.
      expect(roomy.calls()).toEqual({ 'chat.ListUser': 1, 'chat.ListUserChannel': 10, 'chat.ListMember': channels.size });
    } finally {
      await roomy.close();
    }
  });

  it('stops a request that would make more REST calls than allowed, with a stable code', async () => {
    const res = await env.query(
      `query($sid: String!) { chatService(sid: $sid) { channels(first: 40) { nodes { members(first: 5) { nodes { identity } } } } } }`,
      { sid: support },
    );
    const codes = new Set(res.errors?.map((e) => e.extensions?.code));
    expect(codes).toEqual(new Set(['QUERY_TOO_EXPENSIVE']));
    expect(res.errors?.[0]?.extensions?.limit).toBe(30);
    expect(env.totalCalls()).toBeLessThanOrEqual(30);
  });
});
