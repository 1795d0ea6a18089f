/**
 * A node ID (or a federation key) whose SIDs are malformed, a wrong prefix or
 * not 32 hexadecimal digits, is refused with BAD_USER_INPUT before any REST
 * call, for every node type. Where Twilio takes a name instead of a SID (a
 * channel's unique name, a user's identity), the part may be a name.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { twilioFetch } from '../emulator/helpers.ts';

/** What each part of each node type's ID must be: a SID prefix, or a name where Twilio takes one. */
const NODE_ID_PARTS: Record<string, string[]> = {
  ChatService: ['IS'],
  ChatChannel: ['IS', 'CH or unique name'],
  ChatMember: ['IS', 'CH or unique name', 'MB or identity'],
  ChatMessage: ['IS', 'CH or unique name', 'IM'],
  ChatUser: ['IS', 'US or identity'],
  ChatRole: ['IS', 'RL'],
  ChatInvite: ['IS', 'CH or unique name', 'IN'],
  ChatChannelWebhook: ['IS', 'CH or unique name', 'WH'],
  ChatBinding: ['IS', 'BS'],
  ChatUserBinding: ['IS', 'US or identity', 'BS'],
  ChatUserChannel: ['IS', 'US or identity', 'CH or unique name'],
  ChatCredential: ['CR'],
  ProxyService: ['KS or unique name'],
  ProxySession: ['KS', 'KC or unique name'],
  ProxyParticipant: ['KS', 'KC', 'KP'],
  ProxyInteraction: ['KS', 'KC', 'KI'],
  ProxyMessageInteraction: ['KS', 'KC', 'KP', 'KI'],
  ProxyPhoneNumber: ['KS', 'PN'],
  ProxyShortCode: ['KS', 'SC'],
  EventSink: ['DG'],
  EventSubscription: ['DF'],
  EventSubscribedEvent: ['DF', 'event type'],
  EventType: ['event type'],
  EventSchema: ['schema id'],
  EventSchemaVersion: ['schema id', 'version'],
  AwsCredential: ['CR'],
  PublicKeyCredential: ['CR'],
  SafeListNumber: ['E.164 number'],
};

const HEX = '0123456789abcdef0123456789abcdef';
const WELL_FORMED: Record<string, string> = {
  'event type': 'com.twilio.messaging.message.sent',
  'schema id': 'Messaging.MessageStatus',
  version: '1',
  'E.164 number': '+14155550100',
};
const wellFormed = (part: string) => WELL_FORMED[part] ?? `${part.slice(0, 2)}${HEX}`;
const globalId = (typename: string, parts: string[]) => Buffer.from(`v1:${typename}:${parts.join(':')}`).toString('base64url');

/** Malformed values for a part that must be a SID of `prefix`. */
function malformedSids(prefix: string): Array<[string, string]> {
  const other = prefix === 'IS' ? 'CH' : 'IS';
  return [
    ['a wrong prefix', `${other}${HEX}`],
    ['a lower-case prefix', `${prefix.toLowerCase()}${HEX}`],
    ['31 hexadecimal digits', `${prefix}${HEX.slice(1)}`],
    ['33 hexadecimal digits', `${prefix}${HEX}0`],
    ['a letter that is not hexadecimal', `${prefix}${HEX.slice(1)}g`],
    ['a name', 'general'],
  ];
}

const cases = Object.entries(NODE_ID_PARTS).flatMap(([typename, parts]) =>
  parts.flatMap((part, index) =>
    /^[A-Z]{2}$/.test(part)
      ? malformedSids(part).map(([what, value]) => ({
          typename,
          index,
          what,
          id: globalId(
            typename,
            parts.map((p, i) => (i === index ? value : wellFormed(p))),
          ),
        }))
      : [],
  ),
);

let env: GatewayEnv;
beforeAll(async () => {
  env = await startGateway();
});
afterAll(() => env?.close());
beforeEach(() => env.resetCalls());

describe('a node ID with a malformed SID', () => {
  it('covers every node type of the schema', async () => {
    const res = await env.query(`{ __type(name: "Node") { possibleTypes { name } } }`);
    expect(res.data.__type.possibleTypes.map((t: { name: string }) => t.name).sort()).toEqual(Object.keys(NODE_ID_PARTS).sort());
  });

  it.each(cases)('$typename with $what in part $index is BAD_USER_INPUT, with no REST call', async ({ id }) => {
    const res = await env.query(`query($id: ID!) { node(id: $id) { id } }`, { id });
    expect(res.data?.node ?? null).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(env.totalCalls()).toBe(0);
  });

  it('fails alone in nodes(ids:), and the well-formed IDs still resolve', async () => {
    const services = (await twilioFetch(env.emulator, 'GET', '/v2/Services')).body.services;
    env.resetCalls();
    const good = globalId('ChatService', [services[0].sid]);
    const bad = globalId('ChatChannel', [`IS${HEX.slice(1)}`, 'general']);
    const res = await env.query(`query($ids: [ID!]!) { nodes(ids: $ids) { ... on ChatService { sid } } }`, { ids: [good, bad] });
    expect(res.data.nodes).toEqual([{ sid: services[0].sid }, null]);
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(env.calls()).toEqual({ 'chat.FetchService': 1 });
  });

  it('is refused in a federation key too, with no REST call', async () => {
    const res = await env.query(`query($r: [_Any!]!) { _entities(representations: $r) { ... on ChatChannel { sid } ... on ProxyParticipant { sid } } }`, {
      r: [
        { __typename: 'ChatChannel', serviceSid: `CH${HEX}`, sid: `CH${HEX}` },
        { __typename: 'ProxyParticipant', serviceSid: `KS${HEX}`, sessionSid: `KC${HEX}`, sid: `KP${HEX.slice(2)}` },
      ],
    });
    expect(res.data._entities).toEqual([null, null]);
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT']);
    expect(env.totalCalls()).toBe(0);
  });
});

describe('a node ID with a name where Twilio takes one', () => {
  it('finds the channel by its unique name', async () => {
    const services = (await twilioFetch(env.emulator, 'GET', '/v2/Services')).body.services;
    const support = services.find((s: { friendly_name: string }) => s.friendly_name === 'Acme Support').sid;
    const res = await env.query(`query($id: ID!) { node(id: $id) { ... on ChatChannel { uniqueName } } }`, {
      id: globalId('ChatChannel', [support, 'engineering']),
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.node).toEqual({ uniqueName: 'engineering' });
  });

  it.each([
    ['an event type with a space', 'EventType', ['com.twilio messaging']],
    ['a schema version that is not a positive integer', 'EventSchemaVersion', ['Messaging.MessageStatus', 'x1']],
    ['a SafeList number that is not E.164', 'SafeListNumber', ['4155550100']],
  ])('refuses %s, with no REST call', async (_, typename, parts) => {
    const res = await env.query(`query($id: ID!) { node(id: $id) { id } }`, { id: globalId(typename, parts) });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'id' });
    expect(env.totalCalls()).toBe(0);
  });
});
