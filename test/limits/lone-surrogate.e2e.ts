/**
 * A lone surrogate in a path argument (a SID or name, an identity, an event
 * type) is text no REST path can carry: it is BAD_USER_INPUT naming the
 * argument, with no call sent with it, never "Unexpected error". In a literal
 * of the document it is already a syntax error.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { expectBadInput } from '../support/assertions.ts';
import { twilioFetch } from '../emulator/helpers.ts';

const LONE = '\ud800';

let env: GatewayEnv;
let chat: string; // Chat service "Acme Support"
let channel: string; // one of its channels
let proxyService: string; // Proxy service "acme-support"
let subscription: string; // an Events subscription

beforeAll(async () => {
  env = await startGateway();
  const rest = (path: string) => twilioFetch(env.emulator, 'GET', path).then((r) => r.body);
  chat = (await rest('/v2/Services')).services.find((s: any) => s.friendly_name === 'Acme Support').sid;
  channel = (await rest(`/v2/Services/${chat}/Channels?PageSize=1`)).channels[0].sid;
  proxyService = (await rest('/v1/Services')).services.find((s: any) => s.unique_name === 'acme-support').sid;
  subscription = (await rest('/v1/Subscriptions?PageSize=1')).subscriptions[0].sid;
});
afterAll(() => env?.close());
beforeEach(() => env.resetCalls());

describe('a lone surrogate in a path argument', () => {
  it.each([
    ['a channel by unique name', `query($v: String!) { chatService(sid: "%CHAT%") { channel(sidOrUniqueName: $v) { sid } } }`, 'sidOrUniqueName'],
    ['a user by identity', `query($v: String!) { chatService(sid: "%CHAT%") { user(sidOrIdentity: $v) { sid } } }`, 'sidOrIdentity'],
    [
      'a member by identity',
      `query($v: String!) { chatService(sid: "%CHAT%") { channel(sidOrUniqueName: "%CHANNEL%") { member(sidOrIdentity: $v) { sid } } } }`,
      'sidOrIdentity',
    ],
    ['a Proxy service by unique name', `query($v: String!) { proxyService(sidOrUniqueName: $v) { sid } }`, 'sidOrUniqueName'],
    [
      'a Proxy session by unique name',
      `query($v: String!) { proxyService(sidOrUniqueName: "%PROXY%") { session(sidOrUniqueName: $v) { sid } } }`,
      'sidOrUniqueName',
    ],
    ['an event type', `query($v: String!) { eventType(type: $v) { type } }`, 'type'],
    ['an event schema', `query($v: String!) { eventSchema(id: $v) { id } }`, 'id'],
    ['a subscribed event', `query($v: String!) { eventSubscription(sid: "%SUBSCRIPTION%") { subscribedEvent(type: $v) { type } } }`, 'type'],
    [
      'a member to update',
      `mutation($v: String!) { updateChatMember(input: { serviceSid: "%CHAT%", channelSidOrUniqueName: "%CHANNEL%", sidOrIdentity: $v }) { chatMember { sid } } }`,
      'input.sidOrIdentity',
    ],
    [
      'a channel to update',
      `mutation($v: String!) { updateChatChannel(input: { serviceSid: "%CHAT%", sidOrUniqueName: $v }) { chatChannel { sid } } }`,
      'input.sidOrUniqueName',
    ],
    ['a user to delete', `mutation($v: String!) { deleteChatUser(input: { serviceSid: "%CHAT%", sidOrIdentity: $v }) { deletedId } }`, 'input.sidOrIdentity'],
    [
      "a user's channel",
      `mutation($v: String!) { updateChatUserChannel(input: { serviceSid: "%CHAT%", userSidOrIdentity: $v, channelSidOrUniqueName: "%CHANNEL%" }) { chatUserChannel { channelSid } } }`,
      'input.userSidOrIdentity',
    ],
  ])('naming %s is BAD_USER_INPUT naming the argument, with no call for it', async (_, template, field) => {
    const query = template
      .replaceAll('%CHAT%', chat)
      .replaceAll('%CHANNEL%', channel)
      .replaceAll('%PROXY%', proxyService)
      .replaceAll('%SUBSCRIPTION%', subscription);
    for (const value of [LONE, `general${LONE}`, `\udc00x`]) {
      env.resetCalls();
      const res = await env.query(query, { v: value });
      expectBadInput(res, field);
      // Only the parents the query names by SID may have been read; nothing was sent with the bad text.
      expect(Object.keys(env.calls()).every((op) => /Fetch(Service|Channel|Subscription)$/.test(op))).toBe(true);
    }
  });

  it('is still accepted as part of a valid pair (an emoji)', async () => {
    const res = await env.query(`query($v: String!) { proxyService(sidOrUniqueName: $v) { sid } }`, { v: 'support-\ud83d\ude00' });
    expect(res.errors).toBeUndefined();
    expect(res.data.proxyService).toBeNull();
  });

  it('is refused in a federation key too, with no REST call', async () => {
    const res = await env.query(`query($r: [_Any!]!) { _entities(representations: $r) { ... on ChatChannel { sid } } }`, {
      r: [{ __typename: 'ChatChannel', serviceSid: chat, sid: LONE }],
    });
    expect(res.data._entities).toEqual([null]);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(env.totalCalls()).toBe(0);
  });

  it('in a literal of the document is a syntax error, not a server error', async () => {
    for (const literal of [LONE, '\\ud800']) {
      const res = await env.query(`{ proxyService(sidOrUniqueName: "${literal}") { sid } }`);
      expect(res.status).toBe(400);
      expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    }
    expect(env.totalCalls()).toBe(0);
  });
});
