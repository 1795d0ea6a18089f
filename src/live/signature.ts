/**
 * Twilio's request signature, `X-Twilio-Signature`: base64 of an HMAC-SHA1,
 * keyed with the account's auth token, over the URL Twilio called followed by
 * the POST parameters sorted by name, each name followed by its value. A JSON
 * body (Event Streams) is signed as a URL whose query carries the body's
 * SHA-256 (`bodySHA256`, hex) and no parameters; the body must then hash to it.
 *
 * The URL is the one Twilio called, which behind a proxy is not the one the
 * gateway sees: the caller passes the public one. As Twilio's own libraries
 * do, it is tried as given, without its port and with the scheme's default
 * port, since Twilio may sign any of these forms.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Parameters as they came in the form body, repeated names included. */
export type FormParams = ReadonlyArray<readonly [string, string]>;

/** The signature Twilio sends for `url` and `params` with `authToken`. */
export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  // Repeated names count each distinct value once, in sorted order, as Twilio's libraries sign them.
  const byName = new Map<string, Set<string>>();
  for (const [name, value] of params) {
    let values = byName.get(name);
    if (!values) byName.set(name, (values = new Set()));
    values.add(value);
  }
  let data = url;
  for (const name of [...byName.keys()].sort()) {
    for (const value of [...byName.get(name)!].sort()) data += name + value;
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/** Hex SHA-256 of a body, as Twilio puts it in `bodySHA256`. */
export function bodyHash(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

/** Compares without telling, by its time, how much of `given` was right. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  // The expected length is fixed by the algorithm, so returning early on a length mismatch tells nothing.
  return a.length === b.length && timingSafeEqual(a, b);
}

const URL_PARTS = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is;

/** `url` as given, without its port, and with its scheme's default port: the forms Twilio may have signed. */
export function signedUrlForms(url: string): string[] {
  const forms = new Set([url]);
  const match = URL_PARTS.exec(url);
  if (match) {
    const [, scheme, authority, rest] = match as unknown as [string, string, string, string];
    const at = authority.lastIndexOf('@');
    const userInfo = authority.slice(0, at + 1);
    const hostPort = authority.slice(at + 1);
    // A colon starts the port only after an IPv6 literal's closing bracket.
    const colon = hostPort.indexOf(':', hostPort.lastIndexOf(']') + 1);
    const host = colon < 0 ? hostPort : hostPort.slice(0, colon);
    const defaultPort = scheme.toLowerCase() === 'https://' ? ':443' : ':80';
    forms.add(scheme + userInfo + host + rest);
    forms.add(scheme + userInfo + host + (colon < 0 ? defaultPort : hostPort.slice(colon)) + rest);
  }
  return [...forms];
}

/**
 * Whether `signature` is Twilio's for a form-encoded request to `url`, with
 * any of `authTokens` (an account's primary token, or its secondary one).
 */
export function verifyFormSignature(authTokens: readonly string[], signature: string, url: string, params: FormParams): boolean {
  if (!signature) return false;
  const urls = signedUrlForms(url);
  return authTokens.some((token) => urls.some((form) => sameSecret(signature, twilioSignature(token, form, params))));
}

/**
 * Whether `signature` is Twilio's for a request to `url` whose body is signed
 * through its hash: the URL's `bodySHA256` must be the body's SHA-256 and the
 * signature the URL's, with no parameters.
 */
export function verifyBodySignature(authTokens: readonly string[], signature: string, url: string, body: Uint8Array): boolean {
  if (!signature) return false;
  const query = url.indexOf('?');
  const declared = query < 0 ? null : new URLSearchParams(url.slice(query + 1)).get('bodySHA256');
  if (!declared || !sameSecret(declared.toLowerCase(), bodyHash(body))) return false;
  return verifyFormSignature(authTokens, signature, url, []);
}
