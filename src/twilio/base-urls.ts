/**
 * Which origin each product's requests go to: Twilio's own hosts by default,
 * with edge and region as the official library applies them, or an override
 * (the emulator, a recording proxy) from options or the environment.
 */
import { TWILIO_PRODUCTS, type TwilioProduct } from './operation.ts';

/**
 * Twilio's host per product. Chat v2 is served both as `chat.twilio.com` and
 * under its older name `ip-messaging.twilio.com` (the name `specs/ip_messaging_v2.json`
 * lists); both answer the same v2 API. We default to `chat`, the current
 * name, which twilio-node's `chat.v2` also uses.
 */
export const DEFAULT_HOSTS: Readonly<Record<TwilioProduct, string>> = {
  chat: 'chat.twilio.com',
  proxy: 'proxy.twilio.com',
  events: 'events.twilio.com',
  accounts: 'accounts.twilio.com',
};

/** The environment variable that overrides one product's origin. */
export const PRODUCT_BASE_URL_VARS: Readonly<Record<TwilioProduct, string>> = {
  chat: 'TWILIO_CHAT_BASE_URL',
  proxy: 'TWILIO_PROXY_BASE_URL',
  events: 'TWILIO_EVENTS_BASE_URL',
  accounts: 'TWILIO_ACCOUNTS_BASE_URL',
};

/** Inputs to origin resolution; options win over the environment. */
export interface BaseUrlOptions {
  /** One origin for all four products (the emulator serves them all from one). */
  baseUrl?: string | undefined;
  /** An origin for single products; beats `baseUrl`. */
  baseUrls?: Partial<Record<TwilioProduct, string>> | undefined;
  /** Twilio edge location, e.g. `sydney`. */
  edge?: string | undefined;
  /** Twilio region, e.g. `au1`; `us1` when only an edge is given. */
  region?: string | undefined;
  /** Where `TWILIO_*` variables are read from; `process.env` by default. */
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

/**
 * Resolves the origin (`scheme://host[:port]`, no trailing slash) for every
 * product. The most specific setting wins, and at equal specificity an option
 * beats the environment:
 * `baseUrls[product]` > `TWILIO_<PRODUCT>_BASE_URL` > `baseUrl` > `TWILIO_BASE_URL`
 * > Twilio's host with edge/region (`edge`/`region` options, else `TWILIO_EDGE`/`TWILIO_REGION`).
 */
export function resolveBaseUrls(options: BaseUrlOptions = {}): Record<TwilioProduct, string> {
  const env = options.env ?? process.env;
  const nonEmpty = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());
  const edge = nonEmpty(options.edge) ?? nonEmpty(env.TWILIO_EDGE);
  const region = nonEmpty(options.region) ?? nonEmpty(env.TWILIO_REGION);
  const result = {} as Record<TwilioProduct, string>;
  for (const product of TWILIO_PRODUCTS) {
    const productVar = PRODUCT_BASE_URL_VARS[product];
    const candidates: Array<[source: string, value: string | undefined]> = [
      [`baseUrls.${product}`, nonEmpty(options.baseUrls?.[product])],
      [productVar, nonEmpty(env[productVar])],
      ['baseUrl', nonEmpty(options.baseUrl)],
      ['TWILIO_BASE_URL', nonEmpty(env.TWILIO_BASE_URL)],
    ];
    const chosen = candidates.find(([, value]) => value !== undefined);
    result[product] = chosen ? parseOrigin(chosen[1]!, chosen[0]) : `https://${twilioHostname(DEFAULT_HOSTS[product], edge, region)}`;
  }
  return result;
}

/**
 * Adds edge and region to a Twilio hostname the way twilio-node's
 * `getHostname` does: `{product}.{edge}.{region}.twilio.com`, or
 * `{product}.{region}.twilio.com` with a region alone; an edge without a
 * region gets `us1`.
 */
export function twilioHostname(hostname: string, edge?: string, region?: string): string {
  const domain = hostname.split('.').slice(-2).join('.');
  const prefix = hostname.slice(0, -(domain.length + 1));
  const [product, ...rest] = prefix.split('.');
  let [givenEdge, givenRegion] = rest;
  if (givenEdge !== undefined && givenRegion === undefined) {
    givenRegion = givenEdge;
    givenEdge = undefined;
  }
  const finalRegion = region ?? givenRegion ?? (edge ? 'us1' : undefined);
  if (!finalRegion) return hostname;
  const finalEdge = edge ?? givenEdge;
  return [product, finalEdge, finalRegion, domain].filter((part) => part).join('.');
}

/** Accepts only an origin: a path would be silently dropped, so it is an error. */
function parseOrigin(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${source} must be an absolute http(s) URL such as http://127.0.0.1:4010, but got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`${source} must use http or https, but got ${JSON.stringify(value)}`);
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username || url.password) {
    throw new TypeError(
      `${source} must be an origin only (scheme, host and port, no path, query or credentials), but got ${JSON.stringify(redactUserinfo(url))}`,
    );
  }
  return url.origin;
}

function redactUserinfo(url: URL): string {
  const copy = new URL(url.href);
  if (copy.password) copy.password = '***';
  return copy.href;
}
