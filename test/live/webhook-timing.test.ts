/**
 * A refused webhook costs the same work whether or not the gateway holds a
 * token for the account it names, so the time of the answer does not tell
 * which accounts it holds tokens for.
 */
import { describe, expect, it, vi } from 'vitest';

const hmacs = vi.hoisted(() => ({ count: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  return {
    ...crypto,
    createHmac: (...args: Parameters<typeof crypto.createHmac>) => {
      hmacs.count++;
      return crypto.createHmac(...args);
    },
  };
});

const { webhookEndpoints } = await import('../../src/live/webhooks.ts');
const { createLiveBus } = await import('../../src/live/bus.ts');

const HELD = 'AC00000000000000000000000000000001';
const NOT_HELD = 'AC0000000000000000000000000000000f';

/** The HMACs computed to answer one forged webhook, and its status. */
async function forged(path: string, contentType: string, body: string): Promise<{ status: number; hmacs: number }> {
  const bus = createLiveBus({ redisUrl: null, dedupeTtlMs: 60_000, dedupeMaxKeys: 10 });
  const plugin = webhookEndpoints({
    bus,
    authTokensOf: (sid) => (sid === HELD ? ['held-token'] : []),
    publicBaseUrl: 'https://gw.example.com',
    maxBodyBytes: 100_000,
  });
  const url = new URL(`http://127.0.0.1${path}`);
  const request = new Request(url, { method: 'POST', headers: { 'content-type': contentType, 'x-twilio-signature': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }, body });
  let response: Response | undefined;
  hmacs.count = 0;
  await (plugin.onRequest as Function)({ request, url, serverContext: {}, fetchAPI: globalThis, endResponse: (r: Response) => (response = r) });
  return { status: response!.status, hmacs: hmacs.count };
}

describe('a forged webhook', () => {
  it('costs as many HMACs for an account without a token here as for one with', async () => {
    const chat = (account: string) =>
      forged(
        '/webhooks/twilio/chat',
        'application/x-www-form-urlencoded',
        new URLSearchParams({ AccountSid: account, EventType: 'onMessageSent', Body: 'x'.repeat(50_000) }).toString(),
      );
    const held = await chat(HELD);
    const notHeld = await chat(NOT_HELD);
    expect(held.status).toBe(403);
    expect(notHeld.status).toBe(403);
    expect(held.hmacs).toBeGreaterThan(0);
    expect(notHeld.hmacs).toBe(held.hmacs);
    // Not even an account SID.
    expect((await chat('not-an-account')).hmacs).toBe(held.hmacs);
  });

  it('of Event Streams, too', async () => {
    const body = JSON.stringify([{ id: 'EZ1', type: 'com.twilio.messaging.message.sent', source: 'Sink', data: {} }]);
    const hash = (await import('../../src/live/signature.ts')).bodyHash(Buffer.from(body));
    const stream = (account: string) => forged(`/webhooks/twilio/events?AccountSid=${account}&bodySHA256=${hash}`, 'application/json', body);
    const held = await stream(HELD);
    const notHeld = await stream(NOT_HELD);
    expect([held.status, notHeld.status]).toEqual([403, 403]);
    expect(held.hmacs).toBeGreaterThan(0);
    expect(notHeld.hmacs).toBe(held.hmacs);
  });
});
