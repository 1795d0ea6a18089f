/** What Twilio said of a credential, remembered briefly and process-wide, without keeping the secret. */
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { CredentialVerdicts, credentialKey } from '../../src/twilio/credential-verdicts.ts';
import * as chat from '../../src/twilio/chat.ts';
import { TwilioClient } from '../../src/twilio/client.ts';
import { TwilioApiError } from '../../src/twilio/errors.ts';
import { ACCOUNT_SID, AUTH_TOKEN, json, startServer, testTransport, twilioError } from './support/http.ts';

const SERVICE = 'IS0123456789abcdef0123456789abcdef';
const sid = (n: number) => `IS${n.toString(16).padStart(32, '0')}`;

describe('credentialKey', () => {
  it('differs per credential and never contains the secret in any form', () => {
    const header = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;
    const key = credentialKey(ACCOUNT_SID, header);
    expect(key).toBe(credentialKey(ACCOUNT_SID, header));
    expect(key).not.toBe(credentialKey(ACCOUNT_SID, `Basic ${Buffer.from(`${ACCOUNT_SID}:other`).toString('base64')}`));
    for (const form of [AUTH_TOKEN, AUTH_TOKEN.slice(0, 8), header, Buffer.from(AUTH_TOKEN).toString('base64')]) expect(key).not.toContain(form);
  });
});

describe('CredentialVerdicts', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('remembers a refusal for a while only', () => {
    const verdicts = new CredentialVerdicts({ refusedForMs: 30_000, maxEntries: 10 });
    verdicts.refused('k');
    expect(verdicts.isRefused('k')).toBe(true);
    vi.advanceTimersByTime(29_999);
    expect(verdicts.isRefused('k')).toBe(true);
    vi.advanceTimersByTime(1);
    expect(verdicts.isRefused('k')).toBe(false);
  });

  it('keeps at most maxEntries of each kind, forgetting the oldest', () => {
    const verdicts = new CredentialVerdicts({ refusedForMs: 30_000, maxEntries: 3 });
    for (const key of ['a', 'b', 'c', 'd']) {
      verdicts.refused(key);
      verdicts.accepted(`ok-${key}`);
    }
    expect(['a', 'b', 'c', 'd'].map((k) => verdicts.isRefused(k))).toEqual([false, true, true, true]);
    expect(['a', 'b', 'c', 'd'].map((k) => verdicts.isAccepted(`ok-${k}`))).toEqual([false, true, true, true]);
    expect(verdicts.size).toEqual({ refused: 3, accepted: 3 });
  });

  it('trusts a credential from the start, for good, except while a refusal of it is remembered', () => {
    const verdicts = new CredentialVerdicts({ refusedForMs: 30_000, maxEntries: 1 });
    verdicts.trust('mine');
    expect(verdicts.isAccepted('mine')).toBe(true);
    // Not pushed out by other credentials, nor by time.
    verdicts.accepted('other');
    verdicts.accepted('another');
    vi.advanceTimersByTime(48 * 60 * 60_000);
    expect(verdicts.isAccepted('mine')).toBe(true);
    verdicts.refused('mine');
    expect([verdicts.isAccepted('mine'), verdicts.isRefused('mine')]).toEqual([false, true]);
    vi.advanceTimersByTime(30_000);
    expect([verdicts.isAccepted('mine'), verdicts.isRefused('mine')]).toEqual([true, false]);
  });

  it('holds the latest word on a credential', () => {
    const verdicts = new CredentialVerdicts({ refusedForMs: 30_000, maxEntries: 10 });
    verdicts.accepted('k');
    verdicts.refused('k');
    expect([verdicts.isAccepted('k'), verdicts.isRefused('k')]).toEqual([false, true]);
  });
});

describe('refused credentials at the REST client', () => {
  it('sends one call for a credential Twilio refuses, and fails the others at once with 401', async () => {
    await using server = await startServer((_req, res) => twilioError(res, 401, 20003, 'Authenticate'));
    await using transport = testTransport(server.url);
    const wrong = { accountSid: ACCOUNT_SID, authToken: 'wrong' };
    const client = transport.client(wrong);
    const results = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => chat.fetchService(client, { path: { Sid: sid(i) } })));
    expect(server.requests).toHaveLength(1);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(TwilioApiError);
      expect((r as PromiseRejectedResult).reason).toMatchObject({ status: 401 });
    }
    // Another client with the same credential, a moment later: not sent at all.
    await expect(chat.fetchService(transport.client(wrong), { path: { Sid: SERVICE } })).rejects.toMatchObject({ status: 401, attempts: 0 });
    expect(server.requests).toHaveLength(1);
  });

  it('tries a refused credential again once the memory has passed', async () => {
    // The memory is timed with Date.now(): only Date is faked, so the sockets keep their real timers.
    vi.useFakeTimers({ toFake: ['Date'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    await using server = await startServer((_req, res) => twilioError(res, 401, 20003, 'Authenticate'));
    await using transport = testTransport(server.url, { refusedCredentialMs: 60_000 });
    const wrong = { accountSid: ACCOUNT_SID, authToken: 'wrong' };
    await expect(chat.fetchService(transport.client(wrong), { path: { Sid: SERVICE } })).rejects.toMatchObject({ status: 401 });
    await expect(chat.fetchService(transport.client(wrong), { path: { Sid: SERVICE } })).rejects.toMatchObject({ status: 401, attempts: 0 });
    vi.advanceTimersByTime(59_999);
    await expect(chat.fetchService(transport.client(wrong), { path: { Sid: SERVICE } })).rejects.toMatchObject({ status: 401, attempts: 0 });
    vi.advanceTimersByTime(2);
    await expect(chat.fetchService(transport.client(wrong), { path: { Sid: SERVICE } })).rejects.toMatchObject({ status: 401, attempts: 1 });
    expect(server.requests).toHaveLength(2);
  });

  it('has one call at a time in flight for a credential Twilio has not yet accepted, then many', async () => {
    let inFlight = 0;
    let answered = 0;
    let peakBeforeFirstAnswer = 0;
    let peak = 0;
    await using server = await startServer(async (_req, res) => {
      inFlight++;
      if (answered === 0) peakBeforeFirstAnswer = Math.max(peakBeforeFirstAnswer, inFlight);
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      answered++;
      json(res, 200, { sid: SERVICE });
    });
    await using transport = testTransport(server.url, { maxInFlightPerAccount: 8 });
    const client = transport.client({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    await Promise.all(Array.from({ length: 8 }, (_, i) => chat.fetchService(client, { path: { Sid: sid(i) } })));
    expect(peakBeforeFirstAnswer).toBe(1);
    // Accepted after the first answer: the seven others go at once.
    expect(peak).toBe(7);
  });

  it('lets credentials not yet accepted hold only a quarter of the account slots between them, and as many wait; the others fail at once', async () => {
    let inFlight = 0;
    let peak = 0;
    await using server = await startServer(async (_req, res) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      twilioError(res, 401, 20003, 'Authenticate');
    });
    await using transport = testTransport(server.url, { maxInFlightPerAccount: 8 });
    const guesses = Array.from({ length: 20 }, (_, i) => transport.client({ accountSid: ACCOUNT_SID, authToken: `guess-${i}` }));
    const results = await Promise.allSettled(guesses.map((c) => chat.fetchService(c, { path: { Sid: SERVICE } })));
    // 2 probing, 2 in line.
    expect(server.requests).toHaveLength(4);
    expect(peak).toBe(2);
    const reasons = results.map((r) => (r as PromiseRejectedResult).reason as TwilioApiError);
    expect(reasons.filter((e) => e.status === 401)).toHaveLength(4);
    const limited = reasons.filter((e) => e.status === 429);
    expect(limited).toHaveLength(16);
    for (const e of limited) {
      expect(e).toMatchObject({ attempts: 0, code: undefined });
      expect(e.message).toMatch(/^Too many unverified credentials for this account at once; retry shortly/);
    }
  });

  it('puts at most 8 credentials to Twilio at once however large the cap, so a storm of guesses makes at most 8 failed logins per round trip', async () => {
    let inFlight = 0;
    let peak = 0;
    await using server = await startServer(async (_req, res) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 50));
      inFlight--;
      twilioError(res, 401, 20003, 'Authenticate');
    });
    await using transport = testTransport(server.url, { maxInFlightPerAccount: 100 });
    const guesses = Array.from({ length: 40 }, (_, i) => transport.client({ accountSid: ACCOUNT_SID, authToken: `guess-${i}` }));
    const results = await Promise.allSettled(guesses.map((c) => chat.fetchService(c, { path: { Sid: SERVICE } })));
    expect(peak).toBe(8);
    // 8 probing and 8 in line; the other 24 were refused unsent.
    expect(server.requests).toHaveLength(16);
    expect(results.filter((r) => (r as PromiseRejectedResult).reason.status === 429)).toHaveLength(24);
  });

  it('sends the first calls of a trusted credential at once, without a probe', async () => {
    let inFlight = 0;
    let peakBeforeFirstAnswer = 0;
    let answered = 0;
    await using server = await startServer(async (_req, res) => {
      inFlight++;
      if (answered === 0) peakBeforeFirstAnswer = Math.max(peakBeforeFirstAnswer, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      answered++;
      json(res, 200, { sid: SERVICE });
    });
    await using transport = testTransport(server.url, { maxInFlightPerAccount: 8 });
    const credentials = { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN };
    transport.trust(credentials);
    const client = transport.client(credentials);
    await Promise.all(Array.from({ length: 7 }, (_, i) => chat.fetchService(client, { path: { Sid: sid(i) } })));
    expect(peakBeforeFirstAnswer).toBe(7);
  });

  it("takes no share from an accepted credential's request while other credentials are being tried", async () => {
    const inFlight = new Map<string, number>();
    const peak = new Map<string, number>();
    await using server = await startServer(async (req, res) => {
      const secret = Buffer.from(req.headers.authorization!.slice('Basic '.length), 'base64').toString().split(':')[1]!;
      const who = secret === AUTH_TOKEN ? 'real' : 'guess';
      inFlight.set(who, (inFlight.get(who) ?? 0) + 1);
      peak.set(who, Math.max(peak.get(who) ?? 0, inFlight.get(who)!));
      // Guesses stall, so their probes are in flight throughout.
      await new Promise((resolve) => setTimeout(resolve, who === 'guess' ? 300 : 20));
      inFlight.set(who, inFlight.get(who)! - 1);
      if (who === 'guess') twilioError(res, 401, 20003, 'Authenticate');
      else json(res, 200, { sid: SERVICE });
    });
    await using transport = testTransport(server.url, { maxInFlightPerAccount: 8 });
    const credentials = { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN };
    transport.trust(credentials);
    const guesses = Promise.allSettled(
      Array.from({ length: 2 }, (_, i) =>
        chat.fetchService(transport.client({ accountSid: ACCOUNT_SID, authToken: `guess-${i}` }), { path: { Sid: SERVICE } }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(peak.get('guess')).toBe(2);
    // One request (a fair-share client) of the real credential: its share is (8 - 2 probes - 1) / 1 = 5, not (8 - 1) / 3 = 2.
    const real = new TwilioClient(transport, credentials, { fairShare: true });
    await Promise.all(Array.from({ length: 10 }, (_, i) => chat.fetchService(real, { path: { Sid: sid(i) } })));
    expect(peak.get('real')).toBe(5);
    await guesses;
  });
});
