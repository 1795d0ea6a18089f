/**
 * One request's read cache: the REST reads its client made, the named loaders
 * and memoised reads of lookups, and the scope per-type loaders are kept
 * under. The client's own writes clear all of it, when sent and when settled.
 */
import { describe, expect, it } from 'vitest';
import { RequestCache } from '../../src/twilio/request-cache.ts';
import { RequestTwilioClient } from '../../src/twilio/request-client.ts';
import * as chat from '../../src/twilio/chat.ts';
import { ACCOUNT_SID, AUTH_TOKEN, json, startServer, testTransport } from './support/http.ts';

const credentials = { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN };
const SERVICE = `IS${'1'.padStart(32, '0')}`;

/** A stand-in for Twilio answering every call with a service whose friendly name counts the calls. */
async function twilio() {
  let calls = 0;
  return startServer((_req, res) => json(res, 200, { sid: SERVICE, friendly_name: `call ${++calls}` }));
}

describe('RequestCache', () => {
  it('memoises a read per key and a loader per name, and forgets both, with its scope, on clear()', async () => {
    const cache = new RequestCache();
    let reads = 0;
    const read = () => Promise.resolve(++reads);
    expect(await cache.once('k', read)).toBe(1);
    expect(await cache.once('k', read)).toBe(1);
    expect(cache.has('k')).toBe(true);
    const loader = cache.loader<number>('n', async (keys) => keys.map((k) => k.length));
    expect(cache.loader('n', async () => [])).toBe(loader);
    const scope = cache.scope;
    expect(cache.scope).toBe(scope);

    cache.clear();
    expect(cache.has('k')).toBe(false);
    expect(await cache.once('k', read)).toBe(2);
    expect(cache.loader('n', async () => [])).not.toBe(loader);
    expect(cache.scope).not.toBe(scope);
  });
});

describe('RequestTwilioClient and its cache', () => {
  it('sends the same read once, and again after a write', async () => {
    await using server = await twilio();
    await using transport = testTransport(server.url);
    const client = new RequestTwilioClient(transport, credentials, { maxCalls: 10 });
    const fetch = () => chat.fetchService(client, { path: { Sid: SERVICE } });
    expect((await fetch()).friendly_name).toBe('call 1');
    expect((await fetch()).friendly_name).toBe('call 1');
    await chat.updateService(client, { path: { Sid: SERVICE }, body: { FriendlyName: 'renamed' } });
    expect((await fetch()).friendly_name).toBe('call 3');
    expect(server.requests.map((r) => r.method)).toEqual(['GET', 'POST', 'GET']);
  });

  it('clears the lookups and the scope with its reads as a write is sent, and again once it has settled', async () => {
    await using server = await twilio();
    await using transport = testTransport(server.url);
    const client = new RequestTwilioClient(transport, credentials, { maxCalls: 10 });
    const { cache } = client;
    await cache.once('lookup', async () => 'before');
    const before = cache.scope;
    const write = chat.updateService(client, { path: { Sid: SERVICE }, body: { FriendlyName: 'renamed' } });
    // Sent: nothing read before it stands.
    expect(cache.has('lookup')).toBe(false);
    expect(cache.scope).not.toBe(before);
    // Read while the write is in flight: it may predate the write.
    await cache.once('lookup', async () => 'during');
    const during = cache.scope;
    await write;
    expect(cache.has('lookup')).toBe(false);
    expect(cache.scope).not.toBe(during);
  });

  it('clears it for a write that fails too', async () => {
    await using server = await startServer((_req, res) => json(res, 400, { code: 20001, message: 'refused', status: 400 }));
    await using transport = testTransport(server.url);
    const client = new RequestTwilioClient(transport, credentials, { maxCalls: 10 });
    const write = chat.updateService(client, { path: { Sid: SERVICE }, body: { FriendlyName: 'renamed' } });
    await client.cache.once('lookup', async () => 'during');
    await expect(write).rejects.toThrow('refused');
    expect(client.cache.has('lookup')).toBe(false);
  });

  it('gives a fork a cache of its own', async () => {
    await using server = await twilio();
    await using transport = testTransport(server.url);
    const client = new RequestTwilioClient(transport, credentials, { maxCalls: 10 });
    await client.cache.once('lookup', async () => 'kept');
    const fork = client.fork(new AbortController().signal);
    expect(fork.cache).not.toBe(client.cache);
    expect(fork.cache.has('lookup')).toBe(false);
    await chat.updateService(fork, { path: { Sid: SERVICE }, body: { FriendlyName: 'renamed' } });
    expect(client.cache.has('lookup')).toBe(true);
  });
});
