/**
 * Secrets go one way: the Twilio credentials a request uses (auth token, API
 * key and secret) and the write-only secrets it sends are never shown again,
 * not even when Twilio quotes one back in a refusal or an error message,
 * whole, encoded or cut short. These helpers find a secret's forms in text
 * and cut them out of Twilio's errors.
 */
import { TwilioApiError } from './errors.ts';
import type { TwilioCredentials } from './client.ts';

const REDACTED = '[redacted]';

/** Shorter than this, a piece of a secret is too common to stand for it; longer, it gives too much of it away. */
const TRUNCATED_MIN = 8;

/** One form a secret can take in a message, and how short a prefix of it still counts as the secret. */
export interface SecretForm {
  readonly text: string;
  readonly minLength: number;
}

function encodings(value: string): string[] {
  const uri = encodeURIComponent(value);
  return [
    value,
    uri,
    uri.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()),
    new URLSearchParams({ v: value }).toString().slice(2),
    Buffer.from(value).toString('base64'),
    Buffer.from(value).toString('base64url'),
  ];
}

/** A secret's forms: raw, URL- and form-encoded, base64; with `truncated`, prefixes of TRUNCATED_MIN characters or more too. */
function formsOf(value: string, truncated: boolean): SecretForm[] {
  return [...new Set(encodings(value))].map((text) => ({ text, minLength: truncated ? Math.min(TRUNCATED_MIN, text.length) : text.length }));
}

/** The forms of write-only secrets given as input. */
export function secretsOf(values: ReadonlyArray<string | null | undefined>): SecretForm[] {
  return values.filter((v): v is string => typeof v === 'string' && v.length > 0).flatMap((v) => formsOf(v, true));
}

/**
 * The forms of a Twilio credential: the auth token or API secret (truncated
 * too), the API key SID, and the Basic header value they make, truncated as
 * far as it still encodes part of the secret. The account SID is not secret.
 */
export function credentialSecrets(credentials: TwilioCredentials): SecretForm[] {
  const [user, secret] = 'apiKey' in credentials ? [credentials.apiKey, credentials.apiSecret] : [credentials.accountSid, credentials.authToken];
  const forms = formsOf(secret, true);
  if ('apiKey' in credentials) forms.push(...formsOf(credentials.apiKey, false));
  const basic = Buffer.from(`${user}:${secret}`).toString('base64');
  // base64 turns each 3 bytes into 4 characters: this many come from `user:` alone.
  const userOnly = 'apiKey' in credentials ? 0 : Math.floor((user.length + 1) / 3) * 4;
  forms.push({ text: basic, minLength: Math.min(basic.length, userOnly + TRUNCATED_MIN) });
  return forms;
}

/** Replaces every occurrence of the forms (or of a long enough prefix of one) with `[redacted]`. */
export function redact(text: string, forms: readonly SecretForm[]): string {
  // Every match of every form, then their union: forms that share a prefix (URL- and form-encoded) overlap.
  const spans: Array<[number, number]> = [];
  for (const form of forms) {
    if (form.minLength === 0) continue;
    const head = form.text.slice(0, form.minLength);
    for (let at = text.indexOf(head); at !== -1; at = text.indexOf(head, at + 1)) {
      let end = at + head.length;
      while (end < text.length && end - at < form.text.length && text[end] === form.text[end - at]) end++;
      spans.push([at, end]);
    }
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let from = 0;
  let [start, end] = spans[0]!;
  for (const [nextStart, nextEnd] of spans.slice(1)) {
    if (nextStart <= end) {
      end = Math.max(end, nextEnd);
      continue;
    }
    out += text.slice(from, start) + REDACTED;
    from = end;
    [start, end] = [nextStart, nextEnd];
  }
  return out + text.slice(from, start) + REDACTED + text.slice(end);
}

function redactValue(value: unknown, forms: readonly SecretForm[]): unknown {
  if (typeof value === 'string') return redact(value, forms);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, forms));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, forms)]));
  return value;
}

/**
 * The error with the secrets cut out of whatever Twilio wrote in it: a
 * TwilioApiError is copied with its message, `moreInfo` and details redacted;
 * another error has its message and stack redacted in place.
 */
export function withoutSecrets<E>(error: E, forms: readonly SecretForm[]): E {
  if (forms.length === 0) return error;
  if (error instanceof TwilioApiError) {
    return new TwilioApiError({
      status: error.status,
      code: error.code,
      message: redact(error.message, forms),
      moreInfo: error.moreInfo === undefined ? undefined : redact(error.moreInfo, forms),
      details: error.details === undefined ? undefined : (redactValue(error.details, forms) as Record<string, unknown>),
      site: { method: error.method, path: error.path, operation: error.operation },
      attempts: error.attempts,
    }) as E;
  }
  if (error instanceof Error) {
    error.message = redact(error.message, forms);
    if (error.stack) error.stack = redact(error.stack, forms);
  }
  return error;
}
