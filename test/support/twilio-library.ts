/**
 * Points the official `twilio` helper library at the emulator.
 *
 * The library has no base-URL option: every product has its host built in
 * (`https://chat.twilio.com`, `https://proxy.twilio.com`, …). Its supported
 * extension point is the `httpClient` option, so this request client sends
 * the four products' hosts, with any edge and region labels
 * (`chat.sydney.au1.twilio.com`), to the emulator's origin instead. The
 * absolute `next_page_url`s of the emulator's list pages are on its origin
 * already and go out as they are.
 *
 * ```ts
 * import twilio from 'twilio';
 * import { EmulatorRequestClient } from './test/support/twilio-library.ts';
 *
 * const client = twilio(accountSid, authToken, { httpClient: new EmulatorRequestClient('http://127.0.0.1:4010') });
 * await client.chat.v2.services.list({ limit: 20 });
 * ```
 *
 * A client with an `edge` or `region` (or `TWILIO_EDGE`, `TWILIO_REGION`)
 * works too: the library then rewrites every host it requests, the
 * emulator's own page URLs included, but keeps their port, so a URL on the
 * emulator's scheme and port is sent back to the emulator.
 *
 * `restException` and `expectRestException` check how a refusal reaches a
 * caller of the library: as a `RestException` with Twilio's status, error
 * code and documentation link.
 */
import { expect } from 'vitest';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';

/** The hosts of Chat (and its older name IP Messaging), Proxy, Events and Accounts, with optional edge and region. */
const TWILIO_HOST = /^(?:chat|ip-messaging|proxy|events|accounts)(?:\.[a-z0-9-]+){0,2}\.twilio\.com$/;

/** A `twilio.RequestClient` that sends requests for Twilio's hosts to the emulator. */
export class EmulatorRequestClient extends twilio.RequestClient {
  private readonly emulator: URL;

  constructor(emulatorUrl: string, options?: RequestClient.RequestClientOptions) {
    super(options);
    this.emulator = new URL(emulatorUrl);
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const url = new URL(opts.uri);
    const twilioHost = url.protocol === 'https:' && TWILIO_HOST.test(url.hostname);
    const emulatorPort = url.protocol === this.emulator.protocol && url.port !== '' && url.port === this.emulator.port;
    if (twilioHost || emulatorPort) opts = { ...opts, uri: this.emulator.origin + url.pathname + url.search };
    return super.request<TData>(opts);
  }
}

/** How the library authenticates: the account's auth token, or one of its API keys. */
export type EmulatorCredentials = { accountSid: string; authToken: string } | { accountSid: string; apiKey: string; apiSecret: string };

/** A `twilio` client for an emulator, authenticated as the demo account unless told otherwise. */
export function twilioClientFor(
  emulatorUrl: string,
  credentials: EmulatorCredentials = { accountSid: DEMO_ACCOUNT.accountSid, authToken: DEMO_ACCOUNT.authToken },
): twilio.Twilio {
  const httpClient = new EmulatorRequestClient(emulatorUrl);
  if ('apiKey' in credentials) {
    return twilio(credentials.apiKey, credentials.apiSecret, { accountSid: credentials.accountSid, httpClient });
  }
  return twilio(credentials.accountSid, credentials.authToken, { httpClient });
}

/** The `RestException` a call rejects with; fails showing what it resolved with instead, or what else it threw. */
export async function restException(call: Promise<unknown>): Promise<twilio.RestException> {
  const outcome = await call.then(
    (value: unknown) => ({ resolved: true as const, value }),
    (error: unknown) => ({ resolved: false as const, error }),
  );
  if (outcome.resolved) expect.fail(`expected a RestException, but the call resolved with ${JSON.stringify(outcome.value)?.slice(0, 500)}`);
  expect(outcome.error).toBeInstanceOf(twilio.RestException);
  return outcome.error as twilio.RestException;
}

/**
 * The `RestException` a call rejects with, checked for Twilio's status, its
 * error code (any, when not given), the documentation link of that code, and
 * a message (matching `message` when given).
 */
export async function expectRestException(call: Promise<unknown>, status: number, code?: number, message?: RegExp): Promise<twilio.RestException> {
  const error = await restException(call);
  expect({ status: error.status, code: error.code, moreInfo: error.moreInfo, message: error.message }).toEqual({
    status,
    code: code ?? expect.any(Number),
    moreInfo: `https://www.twilio.com/docs/errors/${error.code}`,
    message: message ? expect.stringMatching(message) : expect.any(String),
  });
  return error;
}
