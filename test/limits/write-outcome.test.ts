/** Which failed writes have an unknown outcome: those sent to Twilio whose answer never came. */
import { describe, expect, it } from 'vitest';
import * as chat from '../../src/twilio/chat.ts';
import { TwilioTransportError, type TwilioTransportErrorKind } from '../../src/twilio/errors.ts';
import type { HttpMethod } from '../../src/twilio/operation.ts';
import { upstreamError } from '../../src/schema/shared/errors.ts';
import { ACCOUNT_SID, AUTH_TOKEN, freePort, startServer, testTransport } from '../twilio/support/http.ts';

const credentials = { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN };

function failure(method: HttpMethod, kind: TwilioTransportErrorKind, requestSent: boolean): TwilioTransportError {
  return new TwilioTransportError({ kind, message: 'x', site: { method, path: '/v2/Services', operation: 'chat.CreateService' }, attempts: 1, requestSent });
}

describe('upstreamError for writes', () => {
  it.each([
    ['POST', 'timeout', true, 'WRITE_OUTCOME_UNKNOWN'],
    ['POST', 'connection', true, 'WRITE_OUTCOME_UNKNOWN'],
    ['DELETE', 'connection', true, 'WRITE_OUTCOME_UNKNOWN'],
    ['POST', 'aborted', true, 'WRITE_OUTCOME_UNKNOWN'],
    ['POST', 'connect', false, 'UPSTREAM_UNAVAILABLE'],
    ['GET', 'timeout', true, 'UPSTREAM_TIMEOUT'],
    ['GET', 'connection', true, 'UPSTREAM_UNAVAILABLE'],
  ] as const)('%s failing with %s (sent: %s) is %s', (method, kind, sent, code) => {
    const error = upstreamError(failure(method, kind, sent))!;
    expect(error.extensions.code).toBe(code);
    if (code === 'WRITE_OUTCOME_UNKNOWN') {
      expect(error.message).toContain('may or may not have been applied');
      expect(error.message).not.toContain('could not be reached');
      expect(error.extensions.operation).toBe('chat.CreateService');
    }
  });
});

describe('what the REST client knows of a failed write', () => {
  it('marks a write whose connection dropped after sending as sent', async () => {
    await using server = await startServer((_req, _res, raw) => void raw.socket.destroy());
    await using transport = testTransport(server.url);
    const error = await chat.createService(transport.client(credentials), { body: { FriendlyName: 'x' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwilioTransportError);
    expect(error).toMatchObject({ kind: 'connection', requestSent: true, attempts: 1 });
    expect(upstreamError(error)!.extensions.code).toBe('WRITE_OUTCOME_UNKNOWN');
  });

  it('marks a write that never reached a socket as not sent', async () => {
    await using transport = testTransport(`http://127.0.0.1:${await freePort()}`, { retry: { maxRetries: 0 } });
    const error = await chat.createService(transport.client(credentials), { body: { FriendlyName: 'x' } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'connect', requestSent: false });
    expect(upstreamError(error)!.extensions.code).toBe('UPSTREAM_UNAVAILABLE');
  });
});
