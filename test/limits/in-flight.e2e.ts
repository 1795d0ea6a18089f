/**
 * The default in-flight cap per account is Twilio's documented REST
 * concurrency per account (100), which is more than one ordinary query needs
 * at once: the member lists of 50 channels go out in one wave, and the
 * emulator sees them all in flight together.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { startGateway, type GatewayEnv } from '../support/harness.ts';

let env: GatewayEnv | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

const LATENCY_MS = 50;
const CHANNELS = 50;
const MEMBERS = 20;

/** A Chat service of 50 channels with 20 members each, made through the emulator's engine (no HTTP, no latency). */
function wideService(current: GatewayEnv): string {
  const { engine } = current.emulator;
  const account = DEMO_ACCOUNT.accountSid;
  const sidOf = (result: { body: unknown }) => (result.body as { sid: string }).sid;
  const service = sidOf(engine.call(account, 'chat.CreateService', {}, { FriendlyName: 'Fifty channels' }));
  for (let c = 0; c < CHANNELS; c++) {
    const channel = sidOf(engine.call(account, 'chat.CreateChannel', { ServiceSid: service }, { UniqueName: `c${c}` }));
    for (let m = 0; m < MEMBERS; m++) engine.call(account, 'chat.CreateMember', { ServiceSid: service, ChannelSid: channel }, { Identity: `user${m}` });
  }
  return service;
}

describe('REST calls in flight per account', () => {
  it('sends the member lists of 50 channels in one wave with the default cap', async () => {
    env = await startGateway({ emulator: { latencyMs: LATENCY_MS } });
    const service = wideService(env);
    const query = `query($s: String!) { chatService(sid: $s) { channels(first: ${CHANNELS}) { nodes { uniqueName members(first: ${MEMBERS}) { nodes { identity } } } } } }`;
    await env.query(query, { s: service }); // warm up: connections and JIT
    env.resetCalls();

    const started = performance.now();
    const res = await env.query(query, { s: service });
    const elapsed = performance.now() - started;
    expect(res.errors).toBeUndefined();
    const channels = res.data.chatService.channels.nodes;
    expect(channels).toHaveLength(CHANNELS);
    for (const channel of channels) expect(channel.members.nodes).toHaveLength(MEMBERS);
    // 1 ListChannel, then the 50 ListMember calls together: two levels, no third wave.
    expect(env.calls()).toEqual({ 'chat.ListChannel': 1, 'chat.ListMember': CHANNELS });
    expect(env.emulator.stats().peakInFlight[DEMO_ACCOUNT.accountSid]).toBeGreaterThanOrEqual(CHANNELS);
    expect(elapsed).toBeLessThan(3 * LATENCY_MS + 350);
  });
});
