/**
 * The REST calls of every shape of query that reaches a child through a
 * parent, counted by the emulator: a parent is read only when the query asks
 * for one of its own fields, and a child's path is built from the keys the
 * caller gave. Each case says how many calls it made before this rule, how
 * many it makes now, and why that is the number.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type GatewayEnv, type GraphQLResponse } from '../support/harness.ts';
import { twilioFetch } from '../emulator/helpers.ts';

let env: GatewayEnv;
const MISSING = '0'.repeat(32);
/** Demo data, read before the cases run. */
const demo = {
  service: '', // the "Acme Support" Chat service
  channel: '', // its channel "general"
  members: [] as string[], // identities of the members of "general", in the order they joined
  member: { sid: '', identity: '' },
  aliceChannel: '', // the unique name of a channel alice has joined
  proxyService: '', // the "acme-support" Proxy service
  session: '',
  participant: '',
  subscription: '',
  subscribedType: '',
};

const rest = (path: string) => twilioFetch(env.emulator, 'GET', path).then((r) => r.body);
const globalId = (typename: string, ...keys: string[]) => Buffer.from(`v1:${typename}:${keys.join(':')}`).toString('base64url');

beforeAll(async () => {
  env = await startGateway();
  demo.service = (await rest('/v2/Services')).services.find((s: any) => s.friendly_name === 'Acme Support').sid;
  demo.channel = (await rest(`/v2/Services/${demo.service}/Channels/general`)).sid;
  const members = (await rest(`/v2/Services/${demo.service}/Channels/general/Members?PageSize=50`)).members;
  demo.members = members.map((m: any) => m.identity);
  demo.member = { sid: members[0].sid, identity: members[0].identity };
  const [membership] = (await rest(`/v2/Services/${demo.service}/Users/alice/Channels?PageSize=1`)).channels;
  demo.aliceChannel = (await rest(`/v2/Services/${demo.service}/Channels/${membership.channel_sid}`)).unique_name;
  demo.proxyService = (await rest('/v1/Services')).services.find((s: any) => s.unique_name === 'acme-support').sid;
  demo.session = (await rest(`/v1/Services/${demo.proxyService}/Sessions?PageSize=1`)).sessions[0].sid;
  demo.participant = (await rest(`/v1/Services/${demo.proxyService}/Sessions/${demo.session}/Participants`)).participants[0].sid;
  demo.subscription = (await rest('/v1/Subscriptions')).subscriptions[0].sid;
  demo.subscribedType = (await rest(`/v1/Subscriptions/${demo.subscription}/SubscribedEvents`)).types[0].type;
});
afterAll(() => env?.close());
beforeEach(() => env.resetCalls());

interface Shape {
  name: string;
  query: () => string;
  /** The calls it makes, per operation. */
  calls: Record<string, number>;
  /** Its calls before a parent was read only for its own fields. */
  before: number;
  /** Why `calls` is the number. */
  why: string;
  /** Checks the answer; by default, that it has no errors. */
  check?: (res: GraphQLResponse) => void;
}

const noErrors = (res: GraphQLResponse) => expect(res.errors).toBeUndefined();
const members = (res: GraphQLResponse, at: (data: any) => any) => {
  noErrors(res);
  expect(at(res.data).members.nodes.map((m: any) => m.identity)).toEqual(demo.members);
};

const SHAPES: Shape[] = [
  {
    name: "case (c): one channel's members, the service and channel named by the caller",
    query: () => `{ chatService(sid: "${demo.service}") { channel(sidOrUniqueName: "general") { members(first: 50) { nodes { identity } } } } }`,
    calls: { 'chat.ListMember': 1 },
    before: 3,
    why: 'ListMember at /Services/IS…/Channels/general/Members: Twilio takes the unique name in the path, and neither parent is asked for a field of its own (before: FetchService, then FetchChannel, then ListMember, one after another)',
    check: (res) => members(res, (d) => d.chatService.channel),
  },
  {
    name: 'the same, the channel named by SID and its sid asked for',
    query: () => `{ chatService(sid: "${demo.service}") { channel(sidOrUniqueName: "${demo.channel}") { sid members(first: 50) { nodes { identity } } } } }`,
    calls: { 'chat.ListMember': 1 },
    before: 3,
    why: 'the sid is the one the caller gave',
    check: (res) => {
      members(res, (d) => d.chatService.channel);
      expect(res.data.chatService.channel.sid).toBe(demo.channel);
    },
  },
  {
    name: 'the same, the channel named by unique name and its sid asked for',
    query: () => `{ chatService(sid: "${demo.service}") { channel(sidOrUniqueName: "general") { sid members(first: 50) { nodes { identity } } } } }`,
    calls: { 'chat.FetchChannel': 1, 'chat.ListMember': 1 },
    before: 3,
    why: 'the caller gave a name, so the SID is read from the channel; the list does not wait for it (its path takes the name)',
    check: (res) => expect(res.data.chatService.channel.sid).toBe(demo.channel),
  },
  {
    name: "the same, a field of the channel's own asked for",
    query: () => `{ chatService(sid: "${demo.service}") { channel(sidOrUniqueName: "general") { friendlyName members(first: 50) { nodes { identity } } } } }`,
    calls: { 'chat.FetchChannel': 1, 'chat.ListMember': 1 },
    before: 3,
    why: 'friendlyName needs the channel; the service is still only the path',
  },
  {
    name: "the same, a field of the service's own asked for",
    query: () => `{ chatService(sid: "${demo.service}") { friendlyName channel(sidOrUniqueName: "general") { members(first: 50) { nodes { identity } } } } }`,
    calls: { 'chat.FetchService': 1, 'chat.ListMember': 1 },
    before: 3,
    why: 'friendlyName needs the service; the channel is only the path',
  },
  {
    name: 'case (c) under a service that does not exist',
    query: () => `{ chatService(sid: "IS${MISSING}") { channel(sidOrUniqueName: "general") { members(first: 50) { nodes { identity } } } } }`,
    calls: { 'chat.ListMember': 1 },
    before: 1,
    why: "the list's 404 is the answer: the channel (members is non-null) is null with NOT_FOUND (before: FetchService's 404 made the service null, without an error)",
    check: (res) => {
      expect(res.data.chatService).toEqual({ channel: null });
      expect(res.errors).toHaveLength(1);
      expect(res.errors![0]!.path).toEqual(['chatService', 'channel', 'members']);
      expect(res.errors![0]!.extensions).toMatchObject({ code: 'NOT_FOUND', twilioCode: 20404, status: 404, operation: 'chat.ListMember' });
    },
  },
  {
    name: 'a service that does not exist, asked for its channels',
    query: () => `{ chatService(sid: "IS${MISSING}") { channels { nodes { sid } } } }`,
    calls: { 'chat.ListChannel': 1 },
    before: 1,
    why: "the list's 404: the service is null with NOT_FOUND",
    check: (res) => {
      expect(res.data.chatService).toBeNull();
      expect(res.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['chatService', 'channels'], 'NOT_FOUND']]);
    },
  },
  {
    name: 'one channel of a service, asked for its own fields',
    query: () => `{ chatService(sid: "${demo.service}") { channel(sidOrUniqueName: "general") { friendlyName } } }`,
    calls: { 'chat.FetchChannel': 1 },
    before: 2,
    why: "FetchChannel at /Services/IS…/Channels/general: the service is only the path, and the channel's fetch would answer 404 for it",
  },
  {
    name: 'a channel that does not exist in a service that does',
    query: () => `{ chatService(sid: "${demo.service}") { channel(sidOrUniqueName: "no-such-channel") { friendlyName } } }`,
    calls: { 'chat.FetchChannel': 1, 'chat.FetchService': 1 },
    before: 2,
    why: "the channel's 404 cannot say which is missing, so the service is read: it exists, and the channel is null without an error",
    check: (res) => {
      noErrors(res);
      expect(res.data.chatService).toEqual({ channel: null });
    },
  },
  {
    name: 'a channel under a service that does not exist',
    query: () => `{ chatService(sid: "IS${MISSING}") { channel(sidOrUniqueName: "general") { friendlyName } } }`,
    calls: { 'chat.FetchChannel': 1, 'chat.FetchService': 1 },
    before: 1,
    why: "one more than before, on the failure path only: the channel's 404, then the service's 404 makes the channel null with NOT_FOUND (before, the service was read first and was null)",
    check: (res) => {
      expect(res.data.chatService).toEqual({ channel: null });
      expect(res.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['chatService', 'channel'], 'NOT_FOUND']]);
    },
  },
  {
    name: 'a member of a channel, by identity',
    query: () => `{ chatService(sid: "${demo.service}") { channel(sidOrUniqueName: "general") { member(sidOrIdentity: "${demo.member.identity}") { sid } } } }`,
    calls: { 'chat.ListMember': 1 },
    before: 3,
    why: 'ListMember?Identity=… at /Channels/general/Members: the member lookup batches by identity under the names given',
    check: (res) => expect(res.data.chatService.channel.member).toEqual({ sid: demo.member.sid }),
  },
  {
    name: "a user's channels, the user named by identity",
    query: () => `{ chatService(sid: "${demo.service}") { user(sidOrIdentity: "alice") { channels { nodes { channelSid status } } } } }`,
    calls: { 'chat.ListUserChannel': 1 },
    before: 3,
    why: 'ListUserChannel at /Services/IS…/Users/alice/Channels: Twilio takes the identity in the path (before: FetchService, FetchUser, ListUserChannel)',
  },
  {
    name: 'one channel of a user, both named by name',
    query: () => `{ chatService(sid: "${demo.service}") { user(sidOrIdentity: "alice") { channel(sidOrUniqueName: "${demo.aliceChannel}") { status } } } }`,
    calls: { 'chat.FetchUserChannel': 1 },
    before: 3,
    why: 'FetchUserChannel at /Users/alice/Channels/<unique name>',
    check: (res) => expect(res.data.chatService.user.channel).toEqual({ status: 'JOINED' }),
  },
  {
    name: "a channel's members through node(id:)",
    query: () =>
      `{ node(id: "${globalId('ChatChannel', demo.service, demo.channel)}") { id ... on ChatChannel { members(first: 50) { nodes { identity } } } } }`,
    calls: { 'chat.ListMember': 1 },
    before: 2,
    why: 'the ID carries both SIDs, and id is that ID',
    check: (res) => members(res, (d) => d.node),
  },
  {
    name: "a channel's members through node(id:), the ID naming the channel by unique name",
    query: () => `{ node(id: "${globalId('ChatChannel', demo.service, 'general')}") { ... on ChatChannel { members(first: 50) { nodes { identity } } } } }`,
    calls: { 'chat.ListMember': 1 },
    before: 2,
    why: 'the unique name serves the path; id is not asked for (it would need the SID)',
    check: (res) => members(res, (d) => d.node),
  },
  {
    name: "a member's channel and service, asked only for their SIDs",
    query: () =>
      `{ node(id: "${globalId('ChatMember', demo.service, demo.channel, demo.member.sid)}") { ... on ChatMember { identity channel { sid service { sid } } } } }`,
    calls: { 'chat.FetchMember': 1 },
    before: 3,
    why: "the member's record names the channel and service it lives in",
    check: (res) => expect(res.data.node).toEqual({ identity: demo.member.identity, channel: { sid: demo.channel, service: { sid: demo.service } } }),
  },
  {
    name: 'a user referenced through _entities by identity, asked for its channels',
    query: () =>
      `{ _entities(representations: [{ __typename: "ChatUser", serviceSid: "${demo.service}", identity: "alice" }]) { ... on ChatUser { channels { nodes { status } } } } }`,
    calls: { 'chat.ListUserChannel': 1 },
    before: 2,
    why: 'the federation key is the path (before: a ListUser read the user first)',
  },
  {
    name: 'a service referenced through _entities, asked for its channels',
    query: () =>
      `{ _entities(representations: [{ __typename: "ChatService", sid: "${demo.service}" }]) { ... on ChatService { channels(first: 5) { nodes { sid } } } } }`,
    calls: { 'chat.ListChannel': 1 },
    before: 2,
    why: 'the federation key is the path',
  },
  {
    name: "a Proxy session's participants",
    query: () =>
      `{ proxyService(sidOrUniqueName: "${demo.proxyService}") { session(sidOrUniqueName: "${demo.session}") { participants { nodes { identifier } } } } }`,
    calls: { 'proxy.ListParticipant': 1 },
    before: 2,
    why: 'both named by SID, the paths under them take',
  },
  {
    name: "a Proxy participant's message interactions",
    query: () =>
      `{ proxyService(sidOrUniqueName: "${demo.proxyService}") { session(sidOrUniqueName: "${demo.session}") { participant(sid: "${demo.participant}") { messageInteractions { nodes { sid } } } } } }`,
    calls: { 'proxy.ListMessageInteraction': 1 },
    before: 3,
    why: 'three SIDs given, one list under them',
  },
  {
    name: "a Proxy service's sessions, the service named by unique name",
    query: () => `{ proxyService(sidOrUniqueName: "acme-support") { sessions(first: 2) { nodes { sid } } } }`,
    calls: { 'proxy.FetchService': 1, 'proxy.ListSession': 1 },
    before: 2,
    why: 'the specs give the paths under a service the KS pattern: a unique name is read for the SID first',
  },
  {
    name: "a Proxy service's Chat service, asked for its channels",
    query: () => `{ proxyService(sidOrUniqueName: "${demo.proxyService}") { chatService { channels(first: 2) { nodes { sid } } } } }`,
    calls: { 'proxy.FetchService': 1, 'chat.ListChannel': 1 },
    before: 3,
    why: "the Proxy service's record names the Chat service; the Chat service is only the path",
  },
  {
    name: 'one subscribed event of a subscription',
    query: () => `{ eventSubscription(sid: "${demo.subscription}") { subscribedEvent(type: "${demo.subscribedType}") { type } } }`,
    calls: { 'events.FetchSubscribedEvent': 1 },
    before: 2,
    why: 'FetchSubscribedEvent at /Subscriptions/DF…/SubscribedEvents/<type>',
    check: (res) => expect(res.data.eventSubscription.subscribedEvent).toEqual({ type: demo.subscribedType }),
  },
  {
    name: "a subscription's subscribed events",
    query: () => `{ eventSubscription(sid: "${demo.subscription}") { subscribedEvents { nodes { type } } } }`,
    calls: { 'events.ListSubscribedEvent': 1 },
    before: 1,
    why: 'one list under the SID given',
  },
  {
    name: "a schema's versions",
    query: () => `{ eventSchema(id: "Messaging.MessageStatus") { versions { nodes { schemaVersion } } } }`,
    calls: { 'events.ListSchemaVersion': 1 },
    before: 1,
    why: 'one list under the ID given',
  },
  {
    name: 'one version of a schema',
    query: () => `{ eventSchema(id: "Messaging.MessageStatus") { version(schemaVersion: 1) { raw } } }`,
    calls: { 'events.FetchSchemaVersion': 1 },
    before: 2,
    why: 'FetchSchemaVersion at /Schemas/Messaging.MessageStatus/Versions/1',
  },
  {
    name: "an event type's schema, asked for its versions",
    query: () => `{ eventType(type: "com.twilio.messaging.message.sent") { schema { versions { nodes { schemaVersion } } } } }`,
    calls: { 'events.FetchEventType': 1, 'events.ListSchemaVersion': 1 },
    before: 2,
    why: "the event type's record names the schema, whose versions are one list",
  },
];

describe('REST calls of a child reached through its parents', () => {
  it.each(SHAPES)('$name', async ({ query, calls, check }) => {
    const res = await env.query(query());
    (check ?? noErrors)(res);
    expect(env.calls()).toEqual(calls);
  });

  it('predicts case (c) at the one call it makes', async () => {
    const res = await env.query(SHAPES[0]!.query());
    expect(res.extensions?.cost).toMatchObject({ predictedRestCalls: 1, restCalls: 1 });
  });
});
