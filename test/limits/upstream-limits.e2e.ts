/**
 * The gateway against Twilio's own limits, as the emulator keeps them: its
 * in-flight cap per account keeps the widest query under Twilio's concurrency
 * limit (no 429 at all), a cap set above it is met with 20429s that the
 * retries get through, and a write refused by Chat's rate limit is retried
 * and made once, or answered as a user error when the window stays full.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import type { RetryEvent } from '../../src/twilio/client.ts';
import { startGateway, type GatewayEnv, type GraphQLResponse } from '../support/harness.ts';
import { twilioFetch } from '../emulator/helpers.ts';

let env: GatewayEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const CHANNELS = 150;
const MEMBERS = 2;
const WIDE = `query($s: String!) { chatService(sid: $s) { channels(first: ${CHANNELS}) { nodes { uniqueName members(first: ${MEMBERS}) { nodes { identity } } } } } }`;

/** A Chat service of 150 channels of two members, made in-process (no HTTP, no limit): its query wants 150 calls at once. */
function wideService(current: GatewayEnv): string {
  const { engine } = current.emulator;
  const sidOf = (result: { body: unknown }) => (result.body as { sid: string }).sid;
  const call = (op: string, path: Record<string, string>, params: Record<string, string>) => engine.call(DEMO_ACCOUNT.accountSid, op, path, params);
  const service = sidOf(call('chat.CreateService', {}, { FriendlyName: 'Wide' }));
  for (let c = 0; c < CHANNELS; c++) {
    const channel = sidOf(call('chat.CreateChannel', { ServiceSid: service }, { UniqueName: `c${c}` }));
    for (let m = 0; m < MEMBERS; m++) call('chat.CreateMember', { ServiceSid: service, ChannelSid: channel }, { Identity: `user${m}` });
  }
  return service;
}

function expectWide(res: GraphQLResponse): void {
  expect(res.errors).toBeUndefined();
  const channels = res.data.chatService.channels.nodes;
  expect(channels).toHaveLength(CHANNELS);
  for (const channel of channels) expect(channel.members.nodes).toHaveLength(MEMBERS);
}

describe("Twilio's concurrency limit per account", () => {
  it("is never reached by the gateway's default cap: a query that wants 150 calls at once gets no 429", async () => {
    env = await startGateway({ emulator: { latencyMs: 200 } });
    const service = wideService(env);
    await env.query(WIDE, { s: service }); // warm up: connections and JIT
    env.resetCalls();
    const res = await env.query(WIDE, { s: service });
    expectWide(res);
    expect(env.calls()).toEqual({ 'chat.ListChannel': 1, 'chat.ListMember': CHANNELS });
    const peak = env.emulator.stats().peakInFlight[DEMO_ACCOUNT.accountSid]!;
    expect(peak).toBeLessThanOrEqual(env.emulator.limits.settings.concurrentRequests!);
    // The query pressed against the cap (one request may hold 99 of its 100 slots), not a slow trickle.
    expect(peak).toBeGreaterThanOrEqual(75);
    expect(env.emulator.limits.refused).toEqual({});
    expect(res.extensions?.cost?.retries).toBeUndefined();
  });

  it('answers 20429 to a cap above it, and the retries get the refused reads through', async () => {
    env = await startGateway({
      emulator: { latencyMs: 200 },
      // Retries wait 396 ms, then 792 ms, ...: by then the calls let in are answered.
      transport: { maxInFlightPerAccount: 200, retry: { baseDelayMs: 400 }, random: () => 0.99 },
    });
    const service = wideService(env);
    await env.query(WIDE, { s: service }); // warm up: connections and JIT
    env.resetCalls();
    const res = await env.query(WIDE, { s: service });
    expectWide(res);
    const refused = env.emulator.limits.refused[20429] ?? 0;
    expect(refused).toBeGreaterThan(0);
    expect(res.extensions?.cost?.retries).toBe(refused);
    expect(env.emulator.stats().peakInFlight[DEMO_ACCOUNT.accountSid]).toBeLessThanOrEqual(100);
  });
});

describe("Chat's writes per second", () => {
  const SEND = `mutation($input: CreateChatMessageInput!) { createChatMessage(input: $input) { chatMessage { body } userErrors { field code twilioCode } } }`;
  let onRetry: (event: RetryEvent) => void = () => {};

  /** A gateway whose emulator lets one message a second into a channel, on a frozen clock; the Acme Support service's `general` channel already had its one. */
  async function fullChannel(): Promise<{ input: Record<string, string>; retries: RetryEvent[] }> {
    const retries: RetryEvent[] = [];
    env = await startGateway({
      emulator: { limits: { chatChannelActionsPerSecond: 1, chatWindowSeconds: 1 }, clock: { frozen: true } },
      transport: { random: () => 0, onRetry: (event) => (retries.push(event), onRetry(event)) },
    });
    const services = (await twilioFetch(env.emulator, 'GET', '/v2/Services')).body.services as Array<{ sid: string; friendly_name: string }>;
    const serviceSid = services.find((s) => s.friendly_name === 'Acme Support')!.sid;
    expect((await twilioFetch(env.emulator, 'POST', `/v2/Services/${serviceSid}/Channels/general/Messages`, { Body: 'first' })).status).toBe(201);
    env.resetCalls();
    return { input: { serviceSid, channelSidOrUniqueName: 'general' }, retries };
  }

  const sent = async (current: GatewayEnv, serviceSid: string, body: string) =>
    (
      (await twilioFetch(current.emulator, 'GET', `/v2/Services/${serviceSid}/Channels/general/Messages?PageSize=1000`)).body.messages as Array<{
        body: string;
      }>
    ).filter((m) => m.body === body).length;

  it('retries a message refused with 429 once the window moves on, and sends it once', async () => {
    onRetry = () => env!.emulator.clock.advance(1_000);
    const { input, retries } = await fullChannel();
    const res = await env!.query(SEND, { input: { ...input, body: 'retried' } });
    expect(res.errors).toBeUndefined();
    expect(res.data.createChatMessage).toEqual({ chatMessage: { body: 'retried' }, userErrors: [] });
    expect(retries.map((r) => [r.operation, r.reason])).toEqual([['chat.CreateMessage', 'status 429']]);
    expect(env!.calls()).toEqual({ 'chat.CreateMessage': 2 });
    expect(env!.emulator.limits.refused).toEqual({ 50063: 1 });
    expect(await sent(env!, input.serviceSid!, 'retried')).toBe(1);
  });

  it("answers RATE_LIMITED with Twilio's code when the window stays full through every retry, and sends nothing", async () => {
    onRetry = () => {};
    const { input, retries } = await fullChannel();
    const res = await env!.query(SEND, { input: { ...input, body: 'refused' } });
    expect(res.data.createChatMessage).toBeNull();
    expect(res.errors).toEqual([
      expect.objectContaining({ path: ['createChatMessage'], extensions: expect.objectContaining({ code: 'RATE_LIMITED', status: 429, twilioCode: 50063 }) }),
    ]);
    expect(retries).toHaveLength(env!.transport.retry.maxRetries);
    expect(env!.calls()).toEqual({ 'chat.CreateMessage': 1 + env!.transport.retry.maxRetries });
    expect(await sent(env!, input.serviceSid!, 'refused')).toBe(0);
  });
});
