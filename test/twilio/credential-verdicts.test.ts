/** What Twilio said of a credential, remembered briefly and process-wide, without keeping the secret. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CredentialVerdicts, credentialKey } from '../../src/twilio/credential-verdicts.ts';
import * as chat from '../../src/twilio/chat.ts';
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
    await using server = await startServer((_req, res) => twilioError(res, 401, 20003, 'Authenticate'));
    await using transport = testTransport(server.url, { refusedCredentialMs: 50 });
    const wrong = { accountSid: ACCOUNT_SID, authToken: 'wrong' };
    await expect(chat.fetchService(transport.client(wrong), { path: { Sid: SERVICE } })).rejects.toMatchObject({ status: 401 });
    await expect(chat.fetchService(transport.client(wrong), { path: { Sid: SERVICE } })).rejects.toMatchObject({ status: 401, attempts: 0 });
    await new Promise((resolve) => setTimeout(resolve, 60));
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

  it('lets credentials not yet accepted hold only a quarter of the account slots between them', async () => {
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
    await Promise.allSettled(guesses.map((c) => chat.fetchService(c, { path: { Sid: SERVICE } })));
    expect(server.requests).toHaveLength(20);
    expect(peak).toBe(2);
  });
});
