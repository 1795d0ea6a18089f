/**
 * The webhook endpoints Twilio calls, under the gateway's own origin:
 *
 * - `POST /webhooks/twilio/chat`: Programmable Chat's post-event webhooks
 *   (form-encoded, `EventType=onMessageSent&AccountSid=…`), service-wide or
 *   channel-scoped;
 * - `POST /webhooks/twilio/events`: Event Streams webhook sinks (a JSON array
 *   of CloudEvents, signed through `bodySHA256`).
 *
 * Each request is checked in this order, and refused at the first failure:
 * the method and media type, the body's size (read no further than the limit)
 * and a form's number of parameters, then `X-Twilio-Signature`, with the auth
 * token of the account the request names (403 for an account without a token
 * here, as for a wrong signature, after the same work, so neither the answer
 * nor its time tells which accounts the gateway holds tokens for).
 * Only a verified request is read further. Then each event is claimed under
 * its dedupe key (a duplicate is acknowledged and dropped) and published; an
 * event that could not be published gives its claim back and answers 503, so
 * that Twilio's retry publishes it.
 *
 * Nothing of a webhook's body, signature or the token is logged or answered.
 */
import { randomBytes } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import type { LiveBus } from './bus.ts';
import {
  ACCOUNT_SID,
  WebhookPayloadError,
  accountOfCloudEvent,
  chatEventKey,
  readChatWebhook,
  readCloudEvents,
  type ChatLiveEvent,
  streamEventKey,
  type LiveEvent,
  type StreamLiveEvent,
} from './events.ts';
import { verifyBodySignature, verifyFormSignature } from './signature.ts';
import { topicsOf } from './topics.ts';

export const CHAT_WEBHOOK_PATH = '/webhooks/twilio/chat';
export const EVENTS_WEBHOOK_PATH = '/webhooks/twilio/events';

export interface WebhookOptions {
  bus: LiveBus;
  /** The auth tokens requests naming `accountSid` may be signed with; none: the account is refused. */
  authTokensOf(accountSid: string): readonly string[];
  /**
   * The public base URL Twilio calls the gateway at (`https://gw.example.com`,
   * or with a path prefix a proxy strips); the signature covers it. Null: the
   * URL the request arrived at, right only when Twilio calls the gateway directly.
   */
  publicBaseUrl: string | null;
  /** Largest body read, in bytes. */
  maxBodyBytes: number;
  /** Told of failures to publish (never of a request's content). */
  onError?: (message: string) => void;
  /** Told of each verified Chat event, duplicates included, before it is answered (the response cache drops what it made stale). */
  onChatEvent?: (event: ChatLiveEvent) => Promise<void>;
}

type Answer = { status: number; code?: string; message?: string };

const OK: Answer = { status: 200 };

function refusal(status: number, code: string, message: string): Answer {
  return { status, code, message };
}

const UNVERIFIED = refusal(
  403,
  'WEBHOOK_SIGNATURE_INVALID',
  'X-Twilio-Signature does not verify: the request is not signed by Twilio with the auth token of the account it names, or the URL signed is not the one configured as the gateway public URL',
);

/**
 * Checked in place of the tokens of an account the gateway holds none for: the signature is computed all
 * the same, so a refusal takes as long whichever account a request names. Random, so nothing verifies with it.
 */
const DECOY_TOKENS: readonly string[] = [randomBytes(32).toString('hex')];

function tokensOf(options: WebhookOptions, accountSid: string): readonly string[] {
  const tokens = ACCOUNT_SID.test(accountSid) ? options.authTokensOf(accountSid) : [];
  return tokens.length ? tokens : DECOY_TOKENS;
}

/** The endpoints as a Yoga plugin: answered before any GraphQL work. */
export function webhookEndpoints(options: WebhookOptions): Plugin {
  return {
    async onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      // Routed on the path the request names, the one the signature covers: the parsed URL's comes after the
      // Host header, whose value may carry a path of its own (`Host: x/webhooks/twilio/chat?`) while the request names another.
      const target = rawPath(serverContext) ?? url.pathname + url.search;
      const query = target.indexOf('?');
      const path = query < 0 ? target : target.slice(0, query);
      if (path !== CHAT_WEBHOOK_PATH && path !== EVENTS_WEBHOOK_PATH) return;
      const answer = await handle(options, request, url, path, query < 0 ? '' : target.slice(query + 1), target);
      const headers: Record<string, string> = answer.status === 405 ? { allow: 'POST' } : {};
      if (!answer.code) {
        endResponse(new fetchAPI.Response(null, { status: answer.status, headers }));
        return;
      }
      const body = JSON.stringify({ errors: [{ message: answer.message, extensions: { code: answer.code } }] });
      endResponse(new fetchAPI.Response(body, { status: answer.status, headers: { ...headers, 'content-type': 'application/json; charset=utf-8' } }));
    },
  };
}

/** The path and query exactly as they arrived (Node's `req.url`): the URL parser would re-encode characters Twilio signed as they were. */
function rawPath(serverContext: unknown): string | undefined {
  const raw = (serverContext as { req?: { url?: unknown } } | undefined)?.req?.url;
  return typeof raw === 'string' && raw.startsWith('/') ? raw : undefined;
}

async function handle(options: WebhookOptions, request: Request, url: URL, path: string, query: string, pathAndQuery: string): Promise<Answer> {
  if (request.method !== 'POST') return refusal(405, 'METHOD_NOT_ALLOWED', 'Twilio webhooks are received by POST: configure the webhook with the POST method');
  const chat = path === CHAT_WEBHOOK_PATH;
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (chat ? type !== 'application/x-www-form-urlencoded' : !(type === 'application/json' || type.endsWith('+json'))) {
    return refusal(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      chat ? 'Chat webhooks are application/x-www-form-urlencoded' : 'Event Streams deliveries are application/json',
    );
  }
  const body = await readBounded(request, options.maxBodyBytes);
  if (!body) return refusal(413, 'REQUEST_ENTITY_TOO_LARGE', `Webhook body size limit of ${options.maxBodyBytes} bytes exceeded`);
  const signedUrl = (options.publicBaseUrl ?? url.origin) + pathAndQuery;
  const signature = request.headers.get('x-twilio-signature') ?? '';
  return chat ? chatWebhook(options, body, signedUrl, signature) : eventStreamsWebhook(options, body, new URLSearchParams(query), signedUrl, signature);
}

/**
 * Most parameters a Chat webhook may have. Twilio's carry some twenty; a body of a hundred thousand
 * would hold the process for as long as it takes to read, sort and sign them, for anyone who sends it.
 */
export const MAX_FORM_PARAMS = 1_000;

/** Parameters of a form body, counted without reading them: one more than its `&`. */
function formParamCount(body: Uint8Array): number {
  let count = 1;
  for (let i = body.indexOf(0x26); i >= 0; i = body.indexOf(0x26, i + 1)) count++;
  return count;
}

async function chatWebhook(options: WebhookOptions, body: Uint8Array, signedUrl: string, signature: string): Promise<Answer> {
  if (formParamCount(body) > MAX_FORM_PARAMS) return refusal(413, 'REQUEST_ENTITY_TOO_LARGE', `Webhook limit of ${MAX_FORM_PARAMS} form parameters exceeded`);
  const form = new URLSearchParams(Buffer.from(body).toString('utf8'));
  const accountSid = form.get('AccountSid') ?? '';
  if (!verifyFormSignature(tokensOf(options, accountSid), signature, signedUrl, [...form])) return UNVERIFIED;
  let event;
  try {
    event = readChatWebhook(form);
  } catch (error) {
    if (error instanceof WebhookPayloadError) return refusal(400, 'BAD_WEBHOOK_PAYLOAD', error.message);
    throw error;
  }
  // An event the gateway has no subscription type for (a pre-event webhook, say) is acknowledged: Twilio goes on.
  if (!event) return OK;
  await options.onChatEvent?.(event);
  return publishOnce(options, [[chatEventKey(event), event]]);
}

async function eventStreamsWebhook(options: WebhookOptions, body: Uint8Array, query: URLSearchParams, signedUrl: string, signature: string): Promise<Answer> {
  let parsed: unknown;
  let readable = true;
  try {
    parsed = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    readable = false;
  }
  // The account is the one the sink's URL names (`?AccountSid=AC…`, for events that name none, such as sink tests),
  // else the one its events name. Either way, only its token can verify the request.
  const fromUrl = query.get('AccountSid');
  const named = readable ? (Array.isArray(parsed) ? parsed : [parsed]).map(accountOfCloudEvent) : [];
  const accountSid = fromUrl ?? named.find((sid) => sid !== null) ?? '';
  if (!verifyBodySignature(tokensOf(options, accountSid), signature, signedUrl, body)) return UNVERIFIED;
  if (!readable) return refusal(400, 'BAD_WEBHOOK_PAYLOAD', 'The body is not JSON: an Event Streams delivery is a JSON array of CloudEvents');
  // Signed with one account's token, a delivery speaks for that account only.
  if (named.some((sid) => sid !== null && sid !== accountSid)) {
    return refusal(403, 'WEBHOOK_ACCOUNT_MISMATCH', 'An event of this delivery names another account than the one whose token signed it');
  }
  let events;
  try {
    events = readCloudEvents(parsed);
  } catch (error) {
    if (error instanceof WebhookPayloadError) return refusal(400, 'BAD_WEBHOOK_PAYLOAD', error.message);
    throw error;
  }
  return publishOnce(
    options,
    events.map((event): [string, StreamLiveEvent] => {
      const live: StreamLiveEvent = { product: 'events', accountSid, event };
      return [streamEventKey(live), live];
    }),
  );
}

/** Publishes each event not published before; a failure gives its claim back and answers 503, so Twilio sends it again. */
async function publishOnce(options: WebhookOptions, events: Array<[string, LiveEvent]>): Promise<Answer> {
  for (const [key, event] of events) {
    let claimed = false;
    try {
      claimed = await options.bus.claim(key);
      if (!claimed) continue;
      for (const topic of topicsOf(event)) await options.bus.publish(topic, event);
    } catch (error) {
      if (claimed) await options.bus.release(key).catch(() => undefined);
      // The error's message only: it says what failed (Redis unreachable), nothing of the event.
      options.onError?.(
        `Live events: a webhook's event could not be published (${error instanceof Error ? error.message : String(error)}); answered 503 for Twilio to retry`,
      );
      return refusal(503, 'LIVE_EVENTS_UNAVAILABLE', 'The event could not be published now: send it again later');
    }
  }
  return OK;
}

/** The body, or null once it passes `limit` bytes (read no further). */
async function readBounded(request: Request, limit: number): Promise<Uint8Array | null> {
  const declared = request.headers.get('content-length');
  if (declared !== null && (!/^\d+$/.test(declared) || Number(declared) > limit)) return null;
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
