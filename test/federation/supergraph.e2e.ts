/**
 * The gateway as a Federation v2 subgraph, proven with real federation tools:
 * composed with a second subgraph by @theguild/federation-composition, served
 * by a Hive Gateway, and queried across both subgraphs over HTTP.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { printSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@theguild/federation-composition';
import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { schema } from '../../src/schema/index.ts';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { twilioFetch } from '../emulator/helpers.ts';
import { PROFILES_SDL, startProfilesSubgraph, type ProfilesSubgraph } from './profiles-subgraph.ts';
import { composeSupergraph } from '../../scripts/compose.ts';

let twilio: GatewayEnv;
let profiles: ProfilesSubgraph;
let gateway: GatewayRuntime;
let server: Server;
let supergraphUrl: string;
let support: string;
let identities: string[];

async function query(text: string, variables?: Record<string, unknown>) {
  const res = await fetch(supergraphUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query: text, variables }),
  });
  return (await res.json()) as { data?: any; errors?: Array<{ message: string }> };
}

beforeAll(async () => {
  twilio = await startGateway();
  const services = await twilioFetch(twilio.emulator, 'GET', '/v2/Services');
  support = services.body.services.find((s: any) => s.friendly_name === 'Acme Support').sid;
  // A hundred users in the service: 40 from the demo data, 60 more.
  for (let i = 0; i < 60; i++)
    await twilioFetch(twilio.emulator, 'POST', `/v2/Services/${support}/Users`, { Identity: `member-${i}`, FriendlyName: `Member-${i}` });
  const users = await twilioFetch(twilio.emulator, 'GET', `/v2/Services/${support}/Users?PageSize=1000`);
  identities = users.body.users.map((u: any) => u.identity);
  profiles = await startProfilesSubgraph(identities);

  // What `npm run compose` does: read each running subgraph's SDL through _service, and compose.
  const supergraph = await composeSupergraph([
    { name: 'twilio', url: `${twilio.url}/graphql` },
    { name: 'profiles', url: profiles.url },
  ]);
  // What `npm run supergraph` does: serve it with Hive Gateway.
  gateway = createGatewayRuntime({ supergraph, logging: false });
  server = createServer(gateway);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  supergraphUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await gateway?.dispose();
  await profiles?.close();
  await twilio?.close();
});

beforeEach(() => twilio.resetCalls());

describe('supergraph', () => {
  it('composes the gateway with another subgraph without errors or hints that matter', () => {
    const composed = composeServices([
      { name: 'twilio', typeDefs: parse(printSubgraphSchema(schema)), url: 'http://twilio/graphql' },
      { name: 'profiles', typeDefs: parse(PROFILES_SDL), url: 'http://profiles/graphql' },
    ]);
    expect(composed.errors ?? []).toEqual([]);
    expect(composed.supergraphSdl).toContain('@join__type(graph: TWILIO, key: "serviceSid identity")');
  });

  it("adds another subgraph's field to the gateway's ChatUser", async () => {
    const res = await query(
      `query($sid: String!) { chatService(sid: $sid) { users(first: 5) { nodes { identity friendlyName profile { displayName team } } } } }`,
      { sid: support },
    );
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const users = res.data.chatService.users.nodes;
    expect(users).toHaveLength(5);
    for (const u of users) expect(u.profile.displayName.toLowerCase()).toBe(u.identity);
  });

  it('resolves a hundred ChatUser references from another subgraph in one batch and one REST call', async () => {
    expect(identities).toHaveLength(100);
    const res = await query(`query($sid: String!) { featuredUsers(serviceSid: $sid) { identity friendlyName joinedChannelsCount profile { team } } }`, {
      sid: support,
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.featuredUsers).toHaveLength(identities.length);
    expect(res.data.featuredUsers.map((u: any) => u.identity)).toEqual(identities);
    for (const u of res.data.featuredUsers) expect(u.friendlyName.toLowerCase()).toBe(u.identity);
    expect(profiles.entityBatches.length).toBeGreaterThan(0);
    // 100 representations reach `_entities` at once; they are one read of the service's user list.
    expect(twilio.calls()).toEqual({ 'chat.ListUser': 1 });
  });

  it('resolves a ChatChannel another subgraph references, and comes back for profiles', async () => {
    const channels = await twilioFetch(twilio.emulator, 'GET', `/v2/Services/${support}/Channels?PageSize=1`);
    const channel = channels.body.channels[0];
    const res = await query(
      `query($svc: String!, $sid: String!) { featuredChannel(serviceSid: $svc, sid: $sid) { uniqueName membersCount members(first: 3) { nodes { identity user { identity profile { displayName } } } } } }`,
      { svc: support, sid: channel.sid },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.featuredChannel.uniqueName).toBe(channel.unique_name);
    expect(res.data.featuredChannel.members.nodes).toHaveLength(3);
    for (const m of res.data.featuredChannel.members.nodes) expect(m.user.profile.displayName.toLowerCase()).toBe(m.identity);
  });

  it('resolves every entity of the subgraph from its key through _entities', async () => {
    const proxyService = (await twilioFetch(twilio.emulator, 'GET', '/v1/Services?PageSize=1')).body.services[0];
    const session = (await twilioFetch(twilio.emulator, 'GET', `/v1/Services/${proxyService.sid}/Sessions?PageSize=1`)).body.sessions[0];
    const participant = (await twilioFetch(twilio.emulator, 'GET', `/v1/Services/${proxyService.sid}/Sessions/${session.sid}/Participants?PageSize=1`)).body
      .participants[0];
    const subscription = (await twilioFetch(twilio.emulator, 'GET', '/v1/Subscriptions?PageSize=1')).body.subscriptions[0];
    const channel = (await twilioFetch(twilio.emulator, 'GET', `/v2/Services/${support}/Channels?PageSize=1`)).body.channels[0];
    const representations = [
      { __typename: 'ChatService', sid: support },
      { __typename: 'ChatChannel', serviceSid: support, sid: channel.sid },
      { __typename: 'ChatUser', serviceSid: support, identity: identities[0] },
      { __typename: 'ProxyService', sid: proxyService.sid },
      { __typename: 'ProxySession', serviceSid: proxyService.sid, sid: session.sid },
      { __typename: 'ProxyParticipant', serviceSid: proxyService.sid, sessionSid: session.sid, sid: participant.sid },
      { __typename: 'EventSink', sid: subscription.sink_sid },
      { __typename: 'EventSubscription', sid: subscription.sid },
    ];
    const res = await twilio.query(
      `query($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Node { id } ... on ChatService { sid } ... on ChatChannel { sid } ... on ChatUser { identity }
        ... on ProxyService { sid } ... on ProxySession { sid } ... on ProxyParticipant { sid } ... on EventSink { sid } ... on EventSubscription { sid } } }`,
      { r: representations },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data._entities.map((e: any) => e.__typename)).toEqual(representations.map((r) => r.__typename));
    expect(res.data._entities.map((e: any) => e.sid ?? e.identity)).toEqual(representations.map((r) => r.sid ?? r.identity));
  });

  it('serves the subgraph SDL with its keys through _service', async () => {
    const res = await twilio.query(`{ _service { sdl } }`);
    expect(res.data._service.sdl).toContain('@key(fields: "serviceSid identity")');
    expect(res.data._service.sdl).toContain('type ChatChannel implements Node');
  });
});
