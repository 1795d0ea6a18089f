/**
 * The response cache's and the shared in-flight limit's counts in the scrape:
 * a repeated query shows as a cache hit, a write as invalidations; the shared
 * limit's leases, waiting calls, fail-open count and lost leases as read from
 * the limit at scrape time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayMetrics } from '../../src/observability/index.ts';
import { sample, startObservedGateway, type ObservedGateway } from './support.ts';
import { supportServiceSid } from '../limits/helpers.ts';

let env: ObservedGateway;
let service: string;

beforeAll(async () => {
  env = await startObservedGateway({ gateway: { responseCache: { ttlMs: 60_000 } } });
  service = await supportServiceSid(env);
});
afterAll(() => env?.close());

describe('response cache metrics', () => {
  it('count a repeated query as a hit, and a write as invalidations', async () => {
    const query = `query Channels($s: String!) { chatService(sid: $s) { channels(first: 3) { nodes { sid friendlyName } } } }`;
    const before = await env.scrape();
    await env.query(query, { s: service });
    const second = await env.query(query, { s: service });
    expect(second.extensions?.cost).toMatchObject({ restCalls: 0 });
    const afterHit = await env.scrape();
    expect((sample(afterHit, 'graphql_response_cache_hits_total') ?? 0) - (sample(before, 'graphql_response_cache_hits_total') ?? 0)).toBe(1);
    expect(sample(afterHit, 'graphql_response_cache_stored_total')! - (sample(before, 'graphql_response_cache_stored_total') ?? 0)).toBeGreaterThanOrEqual(1);

    const channel = (second.data as any).chatService.channels.nodes[0].sid;
    const write = await env.query(`mutation($input: UpdateChatChannelInput!) { updateChatChannel(input: $input) { userErrors { message } } }`, {
      input: { serviceSid: service, sidOrUniqueName: channel, friendlyName: 'Renamed for the metrics' },
    });
    expect((write.data as any).updateChatChannel.userErrors).toEqual([]);
    const afterWrite = await env.scrape();
    expect(sample(afterWrite, 'graphql_response_cache_invalidations_total')!).toBeGreaterThan(
      sample(afterHit, 'graphql_response_cache_invalidations_total') ?? 0,
    );
  });
});

describe('shared in-flight limit metrics', () => {
  it('read the limit’s counts at each scrape', async () => {
    const metrics = new GatewayMetrics({ defaultMetrics: false });
    const stats = { leases: 3, waiting: 2, failedOpen: 0, leasesLost: 0 };
    metrics.watchSharedLimit(() => stats);
    let scrape = await metrics.scrape();
    expect([
      sample(scrape, 'twilio_shared_limit_leases'),
      sample(scrape, 'twilio_shared_limit_waiting'),
      sample(scrape, 'twilio_shared_limit_failed_open_total'),
    ]).toEqual([3, 2, 0]);
    Object.assign(stats, { leases: 0, waiting: 0, failedOpen: 7, leasesLost: 1 });
    scrape = await metrics.scrape();
    expect([
      sample(scrape, 'twilio_shared_limit_leases'),
      sample(scrape, 'twilio_shared_limit_failed_open_total'),
      sample(scrape, 'twilio_shared_limit_leases_lost_total'),
    ]).toEqual([0, 7, 1]);
  });
});
