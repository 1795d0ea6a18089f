/**
 * Incremental delivery over HTTP, read as a frontend reads it: a page of
 * channels comes at once in the first part, and each channel's deferred
 * members as they arrive, as multipart/mixed or text/event-stream. The parts
 * cost the REST calls the same fields cost inline, the last carries the cost
 * report, and the request's deadline and client disconnect still cancel the
 * REST calls of the parts to come.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DocumentNode } from 'graphql';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import type { Uncompiled } from '../../src/compiled-execution.ts';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { merged, readAll, requestParts, type PartsMediaType } from '../support/parts.ts';
import { supportServiceSid, waitFor } from '../limits/helpers.ts';

const MEMBERS = `members(first: 3) { nodes { identity user { friendlyName } } }`;
const INLINE = `query($s: String!) { chatService(sid: $s) { channels(first: 6) { nodes { uniqueName ${MEMBERS} } } } }`;
const DEFERRED = `query($s: String!) { chatService(sid: $s) { channels(first: 6) { nodes { uniqueName ... @defer { ${MEMBERS} } } } } }`;
/** Per wave of REST calls: the channel list, then the member lists, then the service's user list. */
const LATENCY_MS = 120;

let env: GatewayEnv;
let service: string;
const verdicts: Array<{ document: DocumentNode; uncompiled: Uncompiled | null }> = [];

beforeAll(async () => {
  env = await startGateway({
    gateway: { compiledExecution: { compileAfter: 1, onVerdict: (document, uncompiled) => verdicts.push({ document, uncompiled }) } },
  });
  service = await supportServiceSid(env);
});
afterAll(() => env?.close());
beforeEach(() => {
  env.emulator.setLatency(0);
  env.emulator.clearFaults();
  env.resetCalls();
});

describe.each<PartsMediaType>(['multipart/mixed', 'text/event-stream'])('@defer over %s', (accept) => {
  it('sends the channels at once and each deferred member list after, adding up to the inline answer', async () => {
    const inline = await env.query(INLINE, { s: service });
    expect(inline.errors).toBeUndefined();
    env.emulator.setLatency(LATENCY_MS);
    env.resetCalls();

    const res = await requestParts(env.url, DEFERRED, { s: service }, { accept });
    expect(res.status).toBe(200);
    expect(res.contentType).toContain(accept);
    const parts = await readAll(res);
    expect(parts.length).toBeGreaterThanOrEqual(2);
    const [first, ...later] = parts;
    // The first part: the channels, without their members, and more to come.
    expect(first!.body.hasNext).toBe(true);
    const channels = first!.body.data.chatService.channels.nodes;
    expect(channels.map((c: any) => c.uniqueName)).toEqual(inline.data.chatService.channels.nodes.map((c: any) => c.uniqueName));
    for (const channel of channels) expect(channel).not.toHaveProperty('members');
    // The members follow, at each channel's path, a wave of REST calls later.
    const paths = later.flatMap((part) => part.body.incremental ?? []).map((entry) => entry.path);
    expect(paths).toHaveLength(channels.length);
    expect(paths).toEqual(expect.arrayContaining(channels.map((_: unknown, i: number) => ['chatService', 'channels', 'nodes', i])));
    expect(later.at(-1)!.body.hasNext).toBe(false);
    expect(later.at(-1)!.at - first!.at).toBeGreaterThanOrEqual(LATENCY_MS / 2);
    expect(merged(parts)).toEqual({ data: inline.data, errors: [] });

    // The same REST calls as inline, reported on the last part.
    expect(env.calls()).toEqual({ 'chat.ListChannel': 1, 'chat.ListMember': channels.length, 'chat.ListUser': 1 });
    expect(first!.body.extensions?.cost).toBeUndefined();
    expect(later.at(-1)!.body.extensions?.cost).toEqual({ ...inline.extensions!.cost, restCalls: 1 + channels.length + 1 });
    expect(inline.extensions!.cost.predictedRestCalls).toBe(1 + channels.length + 1);
  });
});

describe('incremental delivery', () => {
  it('runs with graphql-js, never compiled, however often the document runs', async () => {
    for (let run = 0; run < 3; run++) {
      const parts = await readAll(await requestParts(env.url, DEFERRED, { s: service }));
      expect(parts.length, `run ${run}`).toBeGreaterThanOrEqual(2);
    }
    const verdict = verdicts.find((v) => v.document.loc?.source.body === DEFERRED);
    expect(verdict?.uncompiled).toBe('incremental delivery');
    // The same fields without @defer still run compiled.
    await env.query(INLINE, { s: service });
    expect(verdicts.find((v) => v.document.loc?.source.body === INLINE)?.uncompiled).toBeNull();
  });

  it('reads an object reached by its keys when the lists that prove it exists are deferred, as predicted', async () => {
    const query = `query($s: String!) { chatService(sid: $s) { ... @defer { channels(first: 2) { nodes { sid } } } } }`;
    const parts = await readAll(await requestParts(env.url, query, { s: service }));
    // Inline, the channel list alone answers (its 404 would make the service null); deferred, the first part must know.
    expect(env.calls()).toEqual({ 'chat.FetchService': 1, 'chat.ListChannel': 1 });
    expect(parts.at(-1)!.body.extensions?.cost).toMatchObject({ predictedRestCalls: 2, restCalls: 2 });
    const missing = await readAll(await requestParts(env.url, query, { s: 'IS' + 'f'.repeat(32) }));
    expect(missing).toHaveLength(1);
    expect(missing[0]!.body.data).toEqual({ chatService: null });
  });

  it('refuses a deferred operation over the REST budget before any call, as inline', async () => {
    const cycle = `query($s: String!) { chatService(sid: $s) { channels(first: 50) { nodes { ... @defer { members(first: 50) { nodes { channel { members(first: 50) { nodes { identity } } } } } } } } } }`;
    const parts = await readAll(await requestParts(env.url, cycle, { s: service }));
    expect(parts).toHaveLength(1);
    expect(parts[0]!.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_EXPENSIVE', budget: 'restCalls' });
    expect(env.totalCalls()).toBe(0);
  });

  it('streams the items of a connection page read in one REST call', async () => {
    const parts = await readAll(
      await requestParts(env.url, `query($s: String!) { chatService(sid: $s) { channels(first: 5) { nodes @stream(initialCount: 2) { uniqueName } } } }`, {
        s: service,
      }),
    );
    expect(parts[0]!.body.data.chatService.channels.nodes).toHaveLength(2);
    expect(merged(parts).data.chatService.channels.nodes).toHaveLength(5);
    expect(env.calls()).toEqual({ 'chat.ListChannel': 1 });
    expect(parts.at(-1)!.body.extensions?.cost).toMatchObject({ predictedRestCalls: 1, restCalls: 1 });
  });

  it('gives a deferred part the error the same field gives inline, coded and masked the same way', async () => {
    const fault = { operation: 'chat.ListMember', status: 400, count: 100, message: 'Invalid page size' };
    env.emulator.injectFault(fault);
    const inline = await env.query(INLINE, { s: service });
    env.emulator.clearFaults();
    env.emulator.injectFault(fault);
    const parts = await readAll(await requestParts(env.url, DEFERRED, { s: service }));
    const errors = merged(parts).errors;
    expect(errors.length).toBeGreaterThan(0);
    const inlineError = inline.errors![0]!;
    expect(inlineError.extensions).toMatchObject({ code: 'TWILIO_BAD_REQUEST', status: 400 });
    for (const error of errors) {
      expect(error.message).toBe(inlineError.message);
      expect(error.extensions).toEqual(inlineError.extensions);
    }
  });

  it('refuses an operation with @defer from a client that accepts only JSON, before any REST call', async () => {
    const res = await fetch(`${env.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify({ query: DEFERRED, variables: { s: service } }),
    });
    expect(res.status).toBe(406);
    const body = (await res.json()) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors[0]!.extensions.code).toBe('NOT_ACCEPTABLE');
    expect(body.errors[0]!.message).toContain('multipart/mixed or text/event-stream');
    expect(env.totalCalls()).toBe(0);
    // @defer(if: false) asks for no parts: answered as JSON.
    const plain = await env.query(`query($s: String!) { chatService(sid: $s) { channels(first: 2) { nodes { ... @defer(if: false) { uniqueName } } } } }`, {
      s: service,
    });
    expect(plain.errors).toBeUndefined();
    expect(plain.data.chatService.channels.nodes).toHaveLength(2);
  });

  it('refuses misplaced @defer and @stream with coded validation errors', async () => {
    for (const query of [
      `mutation { ... @defer { createChatService(input: { friendlyName: "later" }) { chatService { sid } } } }`,
      `query($s: String!) { chatService(sid: $s) { friendlyName @stream } }`,
      `query($s: String!) { chatService(sid: $s) { ... @defer(label: "a") { sid } ... @defer(label: "a") { friendlyName } } }`,
    ]) {
      const res = await requestParts(env.url, query, { s: service });
      const [part] = await readAll(res);
      expect(res.status, query).toBe(400);
      expect(part!.body.errors?.[0]?.extensions?.code, query).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    for (const [query, variables] of [
      [`query($s: String!) { chatService(sid: $s) { channels(first: 2) { nodes @stream(initialCount: -1) { sid } } } }`, { s: service }],
      [`query($s: String!, $n: Int!) { chatService(sid: $s) { channels(first: 2) { nodes @stream(initialCount: $n) { sid } } } }`, { s: service, n: -2 }],
    ] as const) {
      const res = await requestParts(env.url, query, variables);
      const [part] = await readAll(res);
      expect(res.status).toBe(400);
      expect(part!.body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'initialCount' });
      expect(part!.body.errors?.[0]?.message).toMatch(/initialCount:\) must be 0 or more/);
    }
    expect(env.totalCalls()).toBe(0);
  });

  it('defers fragments at the root of a query too', async () => {
    const parts = await readAll(await requestParts(env.url, `{ ... @defer { chatServices(first: 1) { nodes { sid } } } }`));
    expect(parts[0]!.body.data).toEqual({});
    expect(merged(parts).data.chatServices.nodes).toHaveLength(1);
  });

  it('leaves mutations as they were, and defers what a mutation payload asks to defer', async () => {
    const created = await env.query(
      `mutation($s: String!) { createChatChannel(input: { serviceSid: $s, uniqueName: "deferred-payload" }) { chatChannel { sid uniqueName } userErrors { message } } }`,
      { s: service },
    );
    expect(created.errors).toBeUndefined();
    expect(created.data.createChatChannel.chatChannel.uniqueName).toBe('deferred-payload');
    const parts = await readAll(
      await requestParts(
        env.url,
        `mutation($s: String!) { updateChatChannel(input: { serviceSid: $s, sidOrUniqueName: "deferred-payload", friendlyName: "Later" }) { chatChannel { friendlyName ... @defer { members(first: 2) { nodes { sid } } } } userErrors { message } } }`,
        { s: service },
      ),
    );
    expect(parts[0]!.body.data.updateChatChannel.chatChannel.friendlyName).toBe('Later');
    expect(merged(parts).data.updateChatChannel.chatChannel.members.nodes).toEqual([]);
    expect(parts.at(-1)!.body.extensions?.cost.restCalls).toBeGreaterThan(0);
    // Subscriptions are still refused, with their code.
    const subscription = await env.query(`subscription { chatServices { sid } }`);
    expect(subscription.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('the lifetime of a request answered in parts', () => {
  let own: GatewayEnv | undefined;
  afterEach(async () => {
    await own?.close();
    own = undefined;
  });

  it('cancels the REST calls of the parts still to come when the client leaves after the first', async () => {
    own = await startGateway({ emulator: { latencyMs: 200 } });
    const s = await supportServiceSid(own);
    own.resetCalls();
    const client = new AbortController();
    const res = await requestParts(own.url, DEFERRED, { s }, { signal: client.signal });
    const first = await res.parts.next();
    expect(first.value?.body.data.chatService.channels.nodes).toHaveLength(6);
    // The member lists are in flight; the user list would follow them.
    client.abort();
    const current = own;
    await waitFor(() => current.gateway.requests.size === 0, 2_000, 'the request to end');
    await waitFor(() => current.transport.limiter.stats(DEMO_ACCOUNT.accountSid).active === 0, 2_000, 'the calls to end');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(own.calls()['chat.ListUser']).toBeUndefined();
    expect(own.calls()['chat.ListChannel']).toBe(1);
  });

  it('cuts the parts still to come at the deadline, with DEADLINE_EXCEEDED where their calls were cancelled', async () => {
    own = await startGateway({ emulator: { latencyMs: 250 }, gateway: { requestTimeoutMs: 400 } });
    const s = await supportServiceSid(own);
    const started = performance.now();
    const parts = await readAll(await requestParts(own.url, DEFERRED, { s }));
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(parts[0]!.body.data.chatService.channels.nodes).toHaveLength(6);
    const errors = merged(parts).errors;
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error.extensions?.code).toBe('DEADLINE_EXCEEDED');
    expect(errors[0]!.message).toContain('400 ms');
    expect(own.gateway.requests.size).toBe(0);
  });
});
