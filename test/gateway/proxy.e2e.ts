/**
 * The Proxy graph end to end: services, their number pools, sessions,
 * participants, interactions and message interactions, queried over HTTP as
 * a frontend would, with the emulator counting every REST call the gateway
 * makes. Reads use the demo data and never change it; writes happen in a
 * service of their own, deleted at the end.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type GatewayEnv, type GraphQLResponse } from '../support/harness.ts';
import { expectBadInput, ok } from '../support/assertions.ts';
import { twilioFetch } from '../emulator/helpers.ts';

let env: GatewayEnv;
let support: string; // "acme-support": forwards to the Acme Support Chat service
let rides: string; // "acme-rides": no Chat service
let supportChat: string;
let communityChat: string;

beforeAll(async () => {
  env = await startGateway({ transport: { timeoutMs: 500, retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 50 } } });
  const services = (await twilioFetch(env.emulator, 'GET', '/v1/Services')).body.services;
  support = services.find((s: any) => s.unique_name === 'acme-support').sid;
  rides = services.find((s: any) => s.unique_name === 'acme-rides').sid;
  const chats = (await twilioFetch(env.emulator, 'GET', '/v2/Services')).body.services;
  supportChat = chats.find((s: any) => s.friendly_name === 'Acme Support').sid;
  communityChat = chats.find((s: any) => s.friendly_name === 'Acme Community').sid;
});
afterAll(() => env?.close());
beforeEach(() => {
  env.emulator.clearFaults();
  env.resetCalls();
});

const rest = (path: string) => twilioFetch(env.emulator, 'GET', path).then((r) => r.body);
const MISSING = '0'.repeat(32);

describe('REST call counts', () => {
  it('reads services, their sessions, participants with their proxy numbers, and the messages sent to them', async () => {
    const data = await ok(
      env,
      /* GraphQL */ `
      {
        proxyServices(first: 10) {
          nodes {
            uniqueName geoMatchLevel numberSelectionBehavior defaultTtl callbackUrl
            chatService { friendlyName }
            sessions(first: 5) {
              nodes {
                uniqueName status mode dateStarted
                participants {
                  nodes {
                    friendlyName identifier proxyIdentifier
                    proxyPhoneNumber { phoneNumber isReserved }
                    proxyShortCode { shortCode }
                    messageInteractions(first: 3) { nodes { data outboundResourceStatus participant { friendlyName } } }
                  }
                }
              }
            }
          }
        }
      }`,
    );
    const [supportNode, ridesNode] = data.proxyServices.nodes;
    expect(supportNode).toMatchObject({
      uniqueName: 'acme-support',
      geoMatchLevel: 'COUNTRY',
      numberSelectionBehavior: 'PREFER_STICKY',
      chatService: { friendlyName: 'Acme Support' },
    });
    expect(ridesNode).toMatchObject({ uniqueName: 'acme-rides', geoMatchLevel: 'AREA_CODE', numberSelectionBehavior: 'AVOID_STICKY', chatService: null });
    for (const service of data.proxyServices.nodes) {
      expect(service.sessions.nodes).toHaveLength(5);
      for (const session of service.sessions.nodes) {
        expect(session.participants.nodes).toHaveLength(2);
        for (const p of session.participants.nodes) {
          // Every participant's proxy identifier is a pool number or a short code, and the link agrees with it.
          expect(p.proxyPhoneNumber?.phoneNumber ?? p.proxyShortCode?.shortCode).toBe(p.proxyIdentifier);
          for (const m of p.messageInteractions.nodes) {
            expect(m.participant.friendlyName).toBe(p.friendlyName);
            expect(m.data).toEqual({ body: expect.any(String) });
            expect(m.outboundResourceStatus).toBe('SENT');
          }
        }
      }
    }
    expect(ridesNode.sessions.nodes[2].participants.nodes.some((p: any) => p.proxyShortCode)).toBe(true);
    // 37 REST calls, the fewest Twilio allows:
    //   1  ListService
    //   1  chat.FetchService: only acme-support has a Chat service
    //   2  ListSession, one per service
    //  10  ListParticipant, one per session: Twilio has no call that lists participants of several sessions
    //  20  ListMessageInteraction, one per participant, for the same reason
    //   2  ListPhoneNumber, one per service: every participant's proxy number comes from its service's pool, read once
    //   1  ListShortCode: the one participant given a short code (a message-only trip of acme-rides)
    // A message interaction's participant is the participant it was listed under, already loaded.
    expect(env.calls()).toEqual({
      'proxy.ListService': 1,
      'chat.FetchService': 1,
      'proxy.ListSession': 2,
      'proxy.ListParticipant': 10,
      'proxy.ListMessageInteraction': 20,
      'proxy.ListPhoneNumber': 2,
      'proxy.ListShortCode': 1,
    });
    expect(env.totalCalls()).toBe(37);
  });

  it('costs one Chat call per distinct Chat service, however many Proxy services and sessions point to it', async () => {
    const created = await twilioFetch(env.emulator, 'POST', '/v1/Services', { UniqueName: 'acme-community-proxy', ChatInstanceSid: communityChat });
    expect(created.status).toBe(201);
    try {
      env.resetCalls();
      const data = await ok(
        env,
        /* GraphQL */ `
        {
          proxyServices {
            nodes {
              uniqueName
              chatService { sid friendlyName }
              sessions(first: 4) { nodes { service { chatService { sid } } } }
            }
          }
          again: proxyServices { nodes { chatService { friendlyName } } }
        }`,
      );
      const byName = Object.fromEntries(data.proxyServices.nodes.map((s: any) => [s.uniqueName, s]));
      expect(byName['acme-support'].chatService).toMatchObject({ sid: supportChat, friendlyName: 'Acme Support' });
      expect(byName['acme-rides'].chatService).toBeNull();
      expect(byName['acme-community-proxy'].chatService).toMatchObject({ sid: communityChat, friendlyName: 'Acme Community' });
      for (const session of byName['acme-support'].sessions.nodes) expect(session.service.chatService.sid).toBe(supportChat);
      expect(data.again.nodes.map((s: any) => s.chatService?.friendlyName ?? null)).toEqual(
        data.proxyServices.nodes.map((s: any) => s.chatService?.friendlyName ?? null),
      );
      // 14 chatService fields (3 + 3 again + 8 through the sessions' service) reach 2 Chat services: 2 chat.FetchService.
      //   1  ListService: both aliases read the same page, which a request reads once
      //   3  ListSession, one per Proxy service (the new one has none)
      // A session's service is the service it was listed under, already loaded: no proxy.FetchService.
      expect(env.calls()).toEqual({ 'proxy.ListService': 1, 'proxy.ListSession': 3, 'chat.FetchService': 2 });
    } finally {
      await twilioFetch(env.emulator, 'DELETE', `/v1/Services/${created.body.sid}`);
    }
  });

  it("reads a session's interactions with both participants from one participant list", async () => {
    const data = await ok(
      env,
      /* GraphQL */ `
      {
        proxyService(sidOrUniqueName: "acme-support") {
          sid
          session(sidOrUniqueName: "case-10412") {
            uniqueName status
            interactions {
              nodes { type data inboundParticipant { sid } outboundParticipant { friendlyName identifier } outboundResourceType session { uniqueName } }
            }
          }
        }
      }`,
    );
    expect(data.proxyService.sid).toBe(support);
    const session = data.proxyService.session;
    expect(session).toMatchObject({ uniqueName: 'case-10412', status: 'CLOSED' });
    expect(session.interactions.nodes).toHaveLength(6);
    const names = new Set(session.interactions.nodes.map((i: any) => i.outboundParticipant.friendlyName));
    expect(names).toEqual(new Set(['Alice Moreau', 'Priya (Acme Support)']));
    for (const i of session.interactions.nodes) {
      expect(i).toMatchObject({ type: 'MESSAGE', inboundParticipant: null, outboundResourceType: 'Message', session: { uniqueName: 'case-10412' } });
    }
    // 1 FetchService and 1 FetchSession, both by unique name; 1 ListInteraction; 1 ListParticipant
    // for the six interactions' two outbound participants. Each interaction's session is the one already read.
    expect(env.calls()).toEqual({ 'proxy.FetchService': 1, 'proxy.FetchSession': 1, 'proxy.ListInteraction': 1, 'proxy.ListParticipant': 1 });
  });

  it('reads only the lists when a service and session are named by SID and nothing else of them is asked for', async () => {
    const [session] = (await rest(`/v1/Services/${rides}/Sessions?PageSize=1`)).sessions;
    env.resetCalls();
    const data = await ok(
      env,
      `query($s: String!, $c: String!) { proxyService(sidOrUniqueName: $s) { sid session(sidOrUniqueName: $c) { participants { nodes { sid } } } } }`,
      {
        s: rides,
        c: session.sid,
      },
    );
    expect(data.proxyService.session.participants.nodes).toHaveLength(2);
    // Neither is fetched: their SIDs are the list's path, and the list's 404 would answer for both. Was 2: the service was
    // fetched because session() is a lookup, which now also needs only the service's SID.
    expect(env.calls()).toEqual({ 'proxy.ListParticipant': 1 });
  });
});

describe('pagination', () => {
  it('pages forwards through all sessions of a service with endCursor, one REST call per page', async () => {
    const all = (await rest(`/v1/Services/${rides}/Sessions?PageSize=100`)).sessions.map((s: any) => s.unique_name);
    expect(all).toHaveLength(16);
    env.resetCalls();
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const res: GraphQLResponse = await env.query(
        `query($s: String!, $after: String) { proxyService(sidOrUniqueName: $s) { sessions(first: 5, after: $after) { pageInfo { hasNextPage hasPreviousPage endCursor } nodes { uniqueName } } } }`,
        { s: rides, after },
      );
      expect(res.errors).toBeUndefined();
      const conn = res.data.proxyService.sessions;
      seen.push(...conn.nodes.map((n: any) => n.uniqueName));
      pages++;
      expect(conn.pageInfo.hasPreviousPage).toBe(after !== null);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
    expect(pages).toBe(4);
    // The service is named by SID and only its sessions are asked for, so it is never fetched.
    expect(env.calls()).toEqual({ 'proxy.ListSession': 4 });
  });

  it('pages through services and pool numbers', async () => {
    const first = await ok(env, `{ proxyServices(first: 1) { pageInfo { hasNextPage endCursor } nodes { uniqueName } } }`);
    expect(first.proxyServices.nodes.map((n: any) => n.uniqueName)).toEqual(['acme-support']);
    const second = await ok(env, `query($after: String!) { proxyServices(first: 1, after: $after) { pageInfo { hasNextPage } nodes { uniqueName } } }`, {
      after: first.proxyServices.pageInfo.endCursor,
    });
    expect(second.proxyServices).toEqual({ pageInfo: { hasNextPage: false }, nodes: [{ uniqueName: 'acme-rides' }] });

    const numbers = await ok(
      env,
      `query($s: String!) { proxyService(sidOrUniqueName: $s) { phoneNumbers(first: 3) { pageInfo { hasNextPage endCursor } nodes { phoneNumber } } } }`,
      { s: support },
    );
    const rest2 = await ok(
      env,
      `query($s: String!, $a: String!) { proxyService(sidOrUniqueName: $s) { phoneNumbers(first: 10, after: $a) { pageInfo { hasNextPage } nodes { phoneNumber } } } }`,
      {
        s: support,
        a: numbers.proxyService.phoneNumbers.pageInfo.endCursor,
      },
    );
    const all = (await rest(`/v1/Services/${support}/PhoneNumbers`)).phone_numbers.map((n: any) => n.phone_number);
    expect([...numbers.proxyService.phoneNumbers.nodes, ...rest2.proxyService.phoneNumbers.nodes].map((n: any) => n.phoneNumber)).toEqual(all);
    expect(rest2.proxyService.phoneNumbers.pageInfo.hasNextPage).toBe(false);
  });
});

describe('nodes', () => {
  it('refetches every Proxy type by its global ID, each with one fetch', async () => {
    const data = await ok(
      env,
      `query($s: String!) { proxyService(sidOrUniqueName: $s) {
        id sid
        phoneNumbers(first: 1) { nodes { id sid } }
        shortCodes(first: 1) { nodes { id sid } }
        sessions(first: 1) { nodes { id sid
          interactions(first: 1) { nodes { id sid } }
          participants(first: 1) { nodes { id sid messageInteractions(first: 1) { nodes { id sid } } } } } }
      } }`,
      { s: support },
    );
    const s = data.proxyService;
    const session = s.sessions.nodes[0];
    const participant = session.participants.nodes[0];
    const ids = [
      s.id,
      session.id,
      participant.id,
      session.interactions.nodes[0].id,
      participant.messageInteractions.nodes[0].id,
      s.phoneNumbers.nodes[0].id,
      s.shortCodes.nodes[0].id,
    ];
    const types = ['ProxyService', 'ProxySession', 'ProxyParticipant', 'ProxyInteraction', 'ProxyMessageInteraction', 'ProxyPhoneNumber', 'ProxyShortCode'];
    env.resetCalls();
    const nodes = await ok(env, `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids });
    expect(nodes.nodes.map((n: any) => n.__typename)).toEqual(types);
    expect(nodes.nodes.map((n: any) => n.id)).toEqual(ids);
    expect(env.calls()).toEqual({
      'proxy.FetchService': 1,
      'proxy.FetchSession': 1,
      'proxy.FetchParticipant': 1,
      'proxy.FetchInteraction': 1,
      'proxy.FetchMessageInteraction': 1,
      'proxy.FetchPhoneNumber': 1,
      'proxy.FetchShortCode': 1,
    });

    for (const [i, id] of ids.entries()) {
      const one = await ok(env, `query($id: ID!) { node(id: $id) { __typename id } }`, { id });
      expect(one.node).toEqual({ __typename: types[i], id });
    }

    // Each node links back to its parents.
    env.resetCalls();
    const linked = await ok(
      env,
      `query($mi: ID!) { node(id: $mi) { ... on ProxyMessageInteraction { sid participant { sid session { sid service { sid } } } session { sid } interaction { sid } } } }`,
      { mi: ids[4] },
    );
    expect(linked.node).toEqual({
      sid: participant.messageInteractions.nodes[0].sid,
      participant: { sid: participant.sid, session: { sid: session.sid, service: { sid: support } } },
      session: { sid: session.sid },
      interaction: { sid: participant.messageInteractions.nodes[0].sid },
    });
    // The message interaction and its interaction. Was 5: the participant, session and service it lives under were fetched
    // too, but only their SIDs are asked for, which the message interaction's record holds.
    expect(env.calls()).toEqual({ 'proxy.FetchMessageInteraction': 1, 'proxy.FetchInteraction': 1 });
  });

  it('looks children up by SID under their parents', async () => {
    const [session] = (await rest(`/v1/Services/${support}/Sessions?PageSize=1`)).sessions;
    const [participant] = (await rest(`/v1/Services/${support}/Sessions/${session.sid}/Participants`)).participants;
    const [interaction] = (await rest(`/v1/Services/${support}/Sessions/${session.sid}/Interactions?PageSize=1`)).interactions;
    const [message] = (await rest(`/v1/Services/${support}/Sessions/${session.sid}/Participants/${participant.sid}/MessageInteractions?PageSize=1`))
      .interactions;
    const [number] = (await rest(`/v1/Services/${support}/PhoneNumbers?PageSize=1`)).phone_numbers;
    const [code] = (await rest(`/v1/Services/${support}/ShortCodes?PageSize=1`)).short_codes;
    env.resetCalls();
    const data = await ok(
      env,
      `query($s: String!, $c: String!, $p: String!, $i: String!, $m: String!, $n: String!, $sc: String!) { proxyService(sidOrUniqueName: $s) {
        phoneNumber(sid: $n) { phoneNumber service { uniqueName } }
        shortCode(sid: $sc) { shortCode }
        session(sidOrUniqueName: $c) { uniqueName
          interaction(sid: $i) { sid }
          participant(sid: $p) { identifier messageInteraction(sid: $m) { sid } }
        }
        missing: phoneNumber(sid: "PN${MISSING}") { sid }
      } }`,
      { s: support, c: session.sid, p: participant.sid, i: interaction.sid, m: message.sid, n: number.sid, sc: code.sid },
    );
    expect(data.proxyService).toEqual({
      phoneNumber: { phoneNumber: number.phone_number, service: { uniqueName: 'acme-support' } },
      shortCode: { shortCode: code.short_code },
      session: {
        uniqueName: session.unique_name,
        interaction: { sid: interaction.sid },
        participant: { identifier: participant.identifier, messageInteraction: { sid: message.sid } },
      },
      missing: null,
    });
    // Two numbers of one service wanted at once are one read of its pool; everything else is one fetch.
    expect(env.calls()).toEqual({
      'proxy.FetchService': 1,
      'proxy.ListPhoneNumber': 1,
      'proxy.FetchShortCode': 1,
      'proxy.FetchSession': 1,
      'proxy.FetchInteraction': 1,
      'proxy.FetchParticipant': 1,
      'proxy.FetchMessageInteraction': 1,
    });
  });

  it('answers null for a node that no longer exists', async () => {
    const id = Buffer.from(`v1:ProxySession:${support}:KC${MISSING}`).toString('base64url');
    expect((await ok(env, `query($id: ID!) { node(id: $id) { id } }`, { id })).node).toBeNull();
  });
});

describe('bad input', () => {
  it.each([
    ['an empty service name', `{ proxyService(sidOrUniqueName: " ") { sid } }`, 'sidOrUniqueName'],
    ['first over the page size Twilio allows', `{ proxyServices(first: 1001) { nodes { sid } } }`, 'first'],
    ['a malformed service SID in an input', `mutation { deleteProxyService(input: { sid: "acme-support" }) { deletedId } }`, 'input.sid'],
    [
      'a session unique name where Twilio takes only a SID',
      `mutation { updateProxySession(input: { serviceSid: "KS${MISSING}", sid: "case-10412", status: CLOSED }) { proxySession { sid } } }`,
      'input.sid',
    ],
    [
      'a malformed participant SID',
      `mutation { deleteProxyParticipant(input: { serviceSid: "KS${MISSING}", sessionSid: "KC${MISSING}", sid: "KP1" }) { deletedId } }`,
      'input.sid',
    ],
    [
      'a malformed Chat service SID',
      `mutation { createProxyService(input: { uniqueName: "x", chatInstanceSid: "Acme Support" }) { proxyService { sid } } }`,
      'input.chatInstanceSid',
    ],
    [
      'a malformed proxy identifier SID in a session participant',
      `mutation { createProxySession(input: { serviceSid: "KS${MISSING}", participants: [{ identifier: "+15555550100", proxyIdentifierSid: "XX1" }] }) { proxySession { sid } } }`,
      'input.participants[0].proxyIdentifierSid',
    ],
    [
      'a short code SID for a session participant, where Twilio takes only a phone number SID',
      `mutation { createProxySession(input: { serviceSid: "KS${MISSING}", participants: [{ identifier: "+15555550100", proxyIdentifierSid: "SC${MISSING}" }] }) { proxySession { sid } } }`,
      'input.participants[0].proxyIdentifierSid',
    ],
    [
      'a short code SID where Twilio takes only a phone number SID',
      `mutation { createProxyParticipant(input: { serviceSid: "KS${MISSING}", sessionSid: "KC${MISSING}", identifier: "+15555550100", proxyIdentifierSid: "SC${MISSING}" }) { proxyParticipant { sid } } }`,
      'input.proxyIdentifierSid',
    ],
  ])('refuses %s with an error naming the argument, before any REST call', async (_, query, field) => {
    expectBadInput(await env.query(query), field, env);
  });

  it('refuses a malformed child SID before fetching the child', async () => {
    const res = await env.query(`query($s: String!) { proxyService(sidOrUniqueName: $s) { uniqueName shortCode(sid: "SC1") { sid } } }`, { s: support });
    expectBadInput(res, 'sid');
    expect(res.errors?.[0]?.path).toEqual(['proxyService', 'shortCode']);
    expect(res.data.proxyService.uniqueName).toBe('acme-support');
    expect(env.calls()).toEqual({ 'proxy.FetchService': 1 });
  });
});

describe('upstream failures', () => {
  it('puts a 500 on a Proxy read at its field with Twilio facts, while siblings still resolve', async () => {
    env.emulator.injectFault({ operation: 'proxy.ListShortCode', status: 500, count: 5 });
    const res = await env.query(
      `query($s: String!) { proxyService(sidOrUniqueName: $s) { uniqueName shortCodes { nodes { sid } } } other: proxyService(sidOrUniqueName: $s) { sid } }`,
      {
        s: support,
      },
    );
    expect(res.data?.proxyService).toBeNull(); // shortCodes is non-null, so its error nulls the service
    expect(res.data?.other.sid).toBe(support);
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.path).toEqual(['proxyService', 'shortCodes']);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', twilioCode: 20500, status: 500, operation: 'proxy.ListShortCode' });
    // A 500 on a read is not retried.
    expect(env.calls()['proxy.ListShortCode']).toBe(1);
  });

  it('retries a 429 on a read and answers as if nothing happened', async () => {
    env.emulator.injectFault({ operation: 'proxy.FetchSession', status: 429, count: 1 });
    const data = await ok(env, `{ proxyService(sidOrUniqueName: "acme-rides") { session(sidOrUniqueName: "trip-48210") { uniqueName } } }`);
    expect(data.proxyService.session.uniqueName).toBe('trip-48210');
    expect(env.calls()['proxy.FetchSession']).toBe(2);
  });

  it('answers null for a missing service, and NOT_FOUND when only its lists were asked for', async () => {
    expect((await ok(env, `{ proxyService(sidOrUniqueName: "KS${MISSING}") { uniqueName } }`)).proxyService).toBeNull();
    expect((await ok(env, `{ proxyService(sidOrUniqueName: "no-such-service") { uniqueName } }`)).proxyService).toBeNull();
    const res = await env.query(`{ proxyService(sidOrUniqueName: "KS${MISSING}") { sessions { nodes { sid } } } }`);
    expect(res.data?.proxyService).toBeNull();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', status: 404, operation: 'proxy.ListSession' });
  });
});

describe('mutations', () => {
  // A service of its own, with a small pool, so the demo data stays as it was.
  let service: string;
  let serviceId: string;
  const PN_A = `PN${'a'.repeat(32)}`;
  const SC_A = `SC${'a'.repeat(32)}`;

  afterAll(async () => {
    if (service) await twilioFetch(env.emulator, 'DELETE', `/v1/Services/${service}`);
  });

  it('creates a service, and refuses a second with the same unique name', async () => {
    const mutation = `mutation($input: CreateProxyServiceInput!) { createProxyService(input: $input) {
      proxyService { id sid uniqueName defaultTtl geoMatchLevel numberSelectionBehavior callbackUrl chatService { sid } } userErrors { field message code twilioCode } } }`;
    const input = {
      uniqueName: 'test-writes',
      defaultTtl: 3600,
      geoMatchLevel: 'AREA_CODE',
      numberSelectionBehavior: 'AVOID_STICKY',
      callbackUrl: 'https://example.com/proxy',
    };
    const created = await ok(env, mutation, { input });
    const s = created.createProxyService.proxyService;
    expect(s).toMatchObject({
      uniqueName: 'test-writes',
      defaultTtl: 3600,
      geoMatchLevel: 'AREA_CODE',
      numberSelectionBehavior: 'AVOID_STICKY',
      callbackUrl: 'https://example.com/proxy',
      chatService: null,
    });
    expect(created.createProxyService.userErrors).toEqual([]);
    service = s.sid;
    serviceId = s.id;
    // The payload is the record Twilio answered the create with; chatInstanceSid is null, so no Chat call.
    expect(env.calls()).toEqual({ 'proxy.CreateService': 1 });

    const again = await ok(env, mutation, { input });
    expect(again.createProxyService).toEqual({
      proxyService: null,
      userErrors: [{ field: ['input', 'uniqueName'], message: expect.stringContaining('test-writes'), code: 'CONFLICT', twilioCode: 80602 }],
    });
  });

  it('updates a service, linking it to a Chat service, and refuses a Chat service that does not exist', async () => {
    const mutation = `mutation($input: UpdateProxyServiceInput!) { updateProxyService(input: $input) { proxyService { id defaultTtl chatInstanceSid chatService { friendlyName } } userErrors { field code } } }`;
    const updated = await ok(env, mutation, { input: { sid: service, defaultTtl: 60, chatInstanceSid: communityChat } });
    expect(updated.updateProxyService).toEqual({
      proxyService: { id: serviceId, defaultTtl: 60, chatInstanceSid: communityChat, chatService: { friendlyName: 'Acme Community' } },
      userErrors: [],
    });
    const refused = await ok(env, mutation, { input: { sid: service, chatInstanceSid: `IS${MISSING}` } });
    expect(refused.updateProxyService).toEqual({ proxyService: null, userErrors: [{ field: ['input', 'chatInstanceSid'], code: 'INVALID_INPUT' }] });
    const missing = await ok(env, mutation, { input: { sid: `KS${MISSING}`, defaultTtl: 1 } });
    expect(missing.updateProxyService.userErrors).toEqual([{ field: null, code: 'NOT_FOUND' }]);
  });

  it('adds, reserves and removes pool phone numbers, refusing a number already in the pool', async () => {
    const create = `mutation($input: CreateProxyPhoneNumberInput!) { createProxyPhoneNumber(input: $input) { proxyPhoneNumber { id sid phoneNumber isoCountry isReserved inUse service { uniqueName } } userErrors { field code twilioCode } } }`;
    const byNumber = await ok(env, create, { input: { serviceSid: service, phoneNumber: '+14155550199' } });
    expect(byNumber.createProxyPhoneNumber.proxyPhoneNumber).toMatchObject({
      phoneNumber: '+14155550199',
      isoCountry: 'US',
      isReserved: false,
      inUse: 0,
      service: { uniqueName: 'test-writes' },
    });
    const bySid = await ok(env, create, { input: { serviceSid: service, sid: PN_A, isReserved: true } });
    expect(bySid.createProxyPhoneNumber.proxyPhoneNumber).toMatchObject({ sid: PN_A, isReserved: true });
    const duplicate = await ok(env, create, { input: { serviceSid: service, phoneNumber: '+14155550199' } });
    expect(duplicate.createProxyPhoneNumber).toEqual({
      proxyPhoneNumber: null,
      userErrors: [{ field: ['input', 'phoneNumber'], code: 'CONFLICT', twilioCode: 80104 }],
    });

    const update = `mutation($input: UpdateProxyPhoneNumberInput!) { updateProxyPhoneNumber(input: $input) { proxyPhoneNumber { sid isReserved } userErrors { code } } }`;
    expect((await ok(env, update, { input: { serviceSid: service, sid: PN_A, isReserved: false } })).updateProxyPhoneNumber).toEqual({
      proxyPhoneNumber: { sid: PN_A, isReserved: false },
      userErrors: [],
    });
    expect((await ok(env, update, { input: { serviceSid: service, sid: `PN${MISSING}`, isReserved: true } })).updateProxyPhoneNumber).toEqual({
      proxyPhoneNumber: null,
      userErrors: [{ code: 'NOT_FOUND' }],
    });

    const remove = `mutation($input: DeleteProxyPhoneNumberInput!) { deleteProxyPhoneNumber(input: $input) { deletedId userErrors { code } } }`;
    const removed = await ok(env, remove, { input: { serviceSid: service, sid: PN_A } });
    expect(removed.deleteProxyPhoneNumber).toEqual({ deletedId: bySid.createProxyPhoneNumber.proxyPhoneNumber.id, userErrors: [] });
    expect((await ok(env, remove, { input: { serviceSid: service, sid: PN_A } })).deleteProxyPhoneNumber).toEqual({
      deletedId: null,
      userErrors: [{ code: 'NOT_FOUND' }],
    });
  });

  it('adds, reserves and removes a short code, refusing one already in the pool', async () => {
    const create = `mutation($input: CreateProxyShortCodeInput!) { createProxyShortCode(input: $input) { proxyShortCode { id sid shortCode isReserved } userErrors { field code twilioCode } } }`;
    const created = await ok(env, create, { input: { serviceSid: service, sid: SC_A } });
    const code = created.createProxyShortCode.proxyShortCode;
    expect(code).toMatchObject({ sid: SC_A, isReserved: false, shortCode: expect.stringMatching(/^\d{5}$/) });
    expect((await ok(env, create, { input: { serviceSid: service, sid: SC_A } })).createProxyShortCode).toEqual({
      proxyShortCode: null,
      userErrors: [{ field: null, code: 'CONFLICT', twilioCode: 80104 }],
    });

    const update = `mutation($input: UpdateProxyShortCodeInput!) { updateProxyShortCode(input: $input) { proxyShortCode { isReserved } userErrors { code } } }`;
    expect((await ok(env, update, { input: { serviceSid: service, sid: SC_A, isReserved: true } })).updateProxyShortCode).toEqual({
      proxyShortCode: { isReserved: true },
      userErrors: [],
    });
    expect((await ok(env, update, { input: { serviceSid: service, sid: `SC${MISSING}`, isReserved: true } })).updateProxyShortCode.userErrors).toEqual([
      { code: 'NOT_FOUND' },
    ]);

    const remove = `mutation($input: DeleteProxyShortCodeInput!) { deleteProxyShortCode(input: $input) { deletedId userErrors { code } } }`;
    expect((await ok(env, remove, { input: { serviceSid: service, sid: SC_A } })).deleteProxyShortCode).toEqual({ deletedId: code.id, userErrors: [] });
    expect((await ok(env, remove, { input: { serviceSid: service, sid: SC_A } })).deleteProxyShortCode.userErrors).toEqual([{ code: 'NOT_FOUND' }]);
  });

  describe('sessions, participants and interactions', () => {
    let session: any;

    it('creates a session with its participants, and refuses a third participant', async () => {
      const mutation = `mutation($input: CreateProxySessionInput!) { createProxySession(input: $input) {
        proxySession { id sid uniqueName status mode ttl participants { nodes { identifier friendlyName proxyIdentifier proxyPhoneNumber { phoneNumber inUse } } } }
        userErrors { field message code twilioCode } } }`;
      const created = await ok(env, mutation, {
        input: {
          serviceSid: service,
          uniqueName: 'order-1',
          mode: 'MESSAGE_ONLY',
          ttl: 600,
          participants: [
            { identifier: '+15555550101', friendlyName: 'Customer' },
            { identifier: '+15555550102', friendlyName: 'Courier' },
          ],
        },
      });
      session = created.createProxySession.proxySession;
      expect(session).toMatchObject({ uniqueName: 'order-1', status: 'OPEN', mode: 'MESSAGE_ONLY', ttl: 600 });
      expect(session.participants.nodes).toEqual([
        { identifier: '+15555550101', friendlyName: 'Customer', proxyIdentifier: '+14155550199', proxyPhoneNumber: { phoneNumber: '+14155550199', inUse: 1 } },
        { identifier: '+15555550102', friendlyName: 'Courier', proxyIdentifier: '+14155550199', proxyPhoneNumber: { phoneNumber: '+14155550199', inUse: 1 } },
      ]);
      // 1 CreateSession (with both participants), 1 ListParticipant, 1 ListPhoneNumber for both participants' proxy number.
      expect(env.calls()).toEqual({ 'proxy.CreateSession': 1, 'proxy.ListParticipant': 1, 'proxy.ListPhoneNumber': 1 });

      const refused = await ok(env, mutation, {
        input: { serviceSid: service, participants: ['+15555550103', '+15555550104', '+15555550105'].map((identifier) => ({ identifier })) },
      });
      expect(refused.createProxySession).toEqual({
        proxySession: null,
        userErrors: [{ field: null, message: expect.stringContaining('at most 2 participants'), code: 'INVALID_INPUT', twilioCode: 80609 }],
      });
    });

    it('adds and removes a participant, and refuses one beyond two', async () => {
      const other = (
        await ok(env, `mutation($s: String!) { createProxySession(input: { serviceSid: $s, uniqueName: "order-2" }) { proxySession { sid } } }`, { s: service })
      ).createProxySession.proxySession;
      const create = `mutation($input: CreateProxyParticipantInput!) { createProxyParticipant(input: $input) {
        proxyParticipant { id sid identifier proxyIdentifierSid proxyPhoneNumber { phoneNumber } proxyShortCode { sid } session { uniqueName } } userErrors { field code twilioCode } } }`;
      const added = await ok(env, create, { input: { serviceSid: service, sessionSid: other.sid, identifier: '+15555550201', friendlyName: 'Rider' } });
      const participant = added.createProxyParticipant.proxyParticipant;
      expect(participant).toMatchObject({
        identifier: '+15555550201',
        proxyPhoneNumber: { phoneNumber: '+14155550199' },
        proxyShortCode: null,
        session: { uniqueName: 'order-2' },
      });

      const full = await ok(env, create, { input: { serviceSid: service, sessionSid: session.sid, identifier: '+15555550203' } });
      expect(full.createProxyParticipant).toEqual({ proxyParticipant: null, userErrors: [{ field: null, code: 'INVALID_INPUT', twilioCode: 80609 }] });

      const remove = `mutation($input: DeleteProxyParticipantInput!) { deleteProxyParticipant(input: $input) { deletedId userErrors { code } } }`;
      const input = { serviceSid: service, sessionSid: other.sid, sid: participant.sid };
      expect((await ok(env, remove, { input })).deleteProxyParticipant).toEqual({ deletedId: participant.id, userErrors: [] });
      expect((await ok(env, remove, { input })).deleteProxyParticipant).toEqual({ deletedId: null, userErrors: [{ code: 'NOT_FOUND' }] });
    });

    it('sends a message to a participant, which takes the session in progress, and refuses an empty one', async () => {
      const [customer] = (await rest(`/v1/Services/${service}/Sessions/${session.sid}/Participants`)).participants;
      const mutation = `mutation($input: CreateProxyMessageInteractionInput!) { createProxyMessageInteraction(input: $input) {
        proxyMessageInteraction { id sid type data outboundResourceStatus participant { identifier } session { status dateLastInteraction } interaction { sid type } }
        userErrors { field code } } }`;
      const input = { serviceSid: service, sessionSid: session.sid, participantSid: customer.sid };
      const sent = await ok(env, mutation, { input: { ...input, body: 'Your order is on its way' } });
      const message = sent.createProxyMessageInteraction.proxyMessageInteraction;
      expect(message).toMatchObject({
        type: 'MESSAGE',
        data: { body: 'Your order is on its way' },
        outboundResourceStatus: 'SENT',
        participant: { identifier: '+15555550101' },
        session: { status: 'IN_PROGRESS', dateLastInteraction: expect.any(String) },
        interaction: { sid: message.sid, type: 'MESSAGE' },
      });
      const empty = await ok(env, mutation, { input });
      expect(empty.createProxyMessageInteraction).toEqual({ proxyMessageInteraction: null, userErrors: [{ field: ['input', 'body'], code: 'INVALID_INPUT' }] });

      const remove = `mutation($input: DeleteProxyInteractionInput!) { deleteProxyInteraction(input: $input) { deletedId userErrors { code } } }`;
      const target = { serviceSid: service, sessionSid: session.sid, sid: message.sid };
      const removed = await ok(env, remove, { input: target });
      expect(removed.deleteProxyInteraction).toEqual({ deletedId: expect.any(String), userErrors: [] });
      const left = await ok(
        env,
        `query($s: String!, $c: String!) { proxyService(sidOrUniqueName: $s) { session(sidOrUniqueName: $c) { interactions { nodes { id } } } } }`,
        { s: service, c: session.sid },
      );
      expect(left.proxyService.session.interactions.nodes).toEqual([]);
      expect((await ok(env, `query($id: ID!) { node(id: $id) { id } }`, { id: removed.deleteProxyInteraction.deletedId })).node).toBeNull();
      expect((await ok(env, remove, { input: target })).deleteProxyInteraction).toEqual({ deletedId: null, userErrors: [{ code: 'NOT_FOUND' }] });
    });

    it('closes a session, refuses a change of status Twilio does not allow, and deletes it', async () => {
      const mutation = `mutation($input: UpdateProxySessionInput!) { updateProxySession(input: $input) { proxySession { id status dateEnded } userErrors { field code twilioCode } } }`;
      const closed = await ok(env, mutation, { input: { serviceSid: service, sid: session.sid, status: 'CLOSED' } });
      expect(closed.updateProxySession).toEqual({ proxySession: { id: session.id, status: 'CLOSED', dateEnded: expect.any(String) }, userErrors: [] });
      const refused = await ok(env, mutation, { input: { serviceSid: service, sid: session.sid, status: 'OPEN' } });
      expect(refused.updateProxySession).toEqual({ proxySession: null, userErrors: [{ field: null, code: 'INVALID_INPUT', twilioCode: 80607 }] });

      const remove = `mutation($input: DeleteProxySessionInput!) { deleteProxySession(input: $input) { deletedId userErrors { code } } }`;
      const input = { serviceSid: service, sid: session.sid };
      expect((await ok(env, remove, { input })).deleteProxySession).toEqual({ deletedId: session.id, userErrors: [] });
      expect((await ok(env, remove, { input })).deleteProxySession).toEqual({ deletedId: null, userErrors: [{ code: 'NOT_FOUND' }] });
    });
  });

  it('deletes the service, and reports NOT_FOUND the second time', async () => {
    const mutation = `mutation($sid: String!) { deleteProxyService(input: { sid: $sid }) { deletedId userErrors { code twilioCode } } }`;
    expect((await ok(env, mutation, { sid: service })).deleteProxyService).toEqual({ deletedId: serviceId, userErrors: [] });
    expect(env.calls()).toEqual({ 'proxy.DeleteService': 1 });
    expect((await ok(env, mutation, { sid: service })).deleteProxyService).toEqual({ deletedId: null, userErrors: [{ code: 'NOT_FOUND', twilioCode: 20404 }] });
    expect((await ok(env, `query($sid: String!) { proxyService(sidOrUniqueName: $sid) { uniqueName } }`, { sid: service })).proxyService).toBeNull();
    service = '';
  });
});
