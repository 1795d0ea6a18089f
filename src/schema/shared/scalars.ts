/**
 * graphql-scalars' DateTime and URL, answering the same JSON with less work
 * for the values Twilio sends. DateTime serialises a string to a Date, which
 * JSON.stringify then writes with toISOString: for Twilio's form
 * (`2026-01-15T09:00:00Z`) that is the same text with `.000` added, written
 * here directly once the date is checked as graphql-scalars checks it. URL
 * serialises through `new URL(…).toString()`, which leaves a plain absolute
 * http(s) URL as it is. Anything else goes to graphql-scalars.
 */
import { GraphQLScalarType } from 'graphql';
import { DateTimeResolver, URLResolver } from 'graphql-scalars';

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The number written by the `length` digits at `at`, or NaN. */
function digits(value: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i++) {
    const d = value.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

/**
 * `value` as Date#toJSON would write it, for a valid date in Twilio's form
 * (whole seconds in UTC, `2026-01-15T09:00:00Z`); undefined for anything else.
 * Read character by character: this runs for every date of every answer.
 */
export function twilioDateJson(value: string): string | undefined {
  if (value.length !== 20 || value[4] !== '-' || value[7] !== '-' || value[10] !== 'T' || value[13] !== ':' || value[16] !== ':' || value[19] !== 'Z')
    return undefined;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  // NaN fails every comparison below.
  if (!(
    year >= 0 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysIn(month, year) &&
    digits(value, 11, 2) <= 23 &&
    digits(value, 14, 2) <= 59 &&
    digits(value, 17, 2) <= 59
  )) {
    return undefined;
  }
  return `${value.slice(0, 19)}.000Z`;
}

export const DateTime = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  serialize: (value) => (typeof value === 'string' && twilioDateJson(value)) || DateTimeResolver.serialize(value),
});

/**
 * An absolute http(s) URL that the URL standard writes back unchanged: a
 * lowercase host name whose last label starts with a letter (so it cannot
 * parse as an IPv4 address) and no label is punycode, or a dotted quad; a
 * port other than the scheme's default and without leading zeros; a path and
 * query of characters it never escapes, without `.` or `..` segments (plain
 * or escaped); no credentials or fragment.
 */
const PLAIN_ORIGIN = new RegExp(
  '^https?://' +
    '(?:(?:[a-z0-9-]+\\.)*[a-z][a-z0-9-]*|(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d))' +
    '(?::([1-9]\\d{0,4}))?$',
);

/** Characters a plain path and query may hold: unreserved, sub-delims, `:@%`, and `/?` (a query may hold both). */
const PLAIN_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&()*+,;=:@%/?') PLAIN_CHAR[c.charCodeAt(0)] = 1;
const SLASH = 47;
const QUESTION = 63;
const DOT = 46;

/** Length of a `.` or `%2e` (any case) at `i`, else 0. */
function dotAt(value: string, i: number): number {
  const c = value.charCodeAt(i);
  if (c === DOT) return 1;
  return c === 37 && value.charCodeAt(i + 1) === 50 && (value.charCodeAt(i + 2) | 32) === 101 ? 3 : 0;
}

/**
 * Whether `value` from `from` (a `/`) is a path and query of plain characters
 * with no `.` or `..` segment (plain or escaped) after any `/`: read character
 * by character, since this runs for every URL of every answer.
 */
function isPlainPathAndQuery(value: string, from: number): boolean {
  for (let i = from; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128 || PLAIN_CHAR[c] === 0) return false;
    if (c !== SLASH) continue;
    let at = i + 1;
    for (let dots = 0; dots < 2; dots++) {
      const length = dotAt(value, at);
      if (length === 0) break;
      at += length;
      const next = value.charCodeAt(at);
      if (at === value.length || next === SLASH || next === QUESTION) return false;
    }
  }
  return true;
}

/** Origins found plain lately: every URL of an answer has one of a few (the products' hosts). */
const plainOrigins: string[] = [];

function isPlainOrigin(origin: string): boolean {
  const match = PLAIN_ORIGIN.exec(origin);
  if (!match || origin.includes('xn--')) return false;
  const port = match[1];
  return port === undefined || (Number(port) <= 65535 && Number(port) !== (origin.startsWith('https:') ? 443 : 80));
}

export function isPlainUrl(value: string): boolean {
  const pathAt = value.indexOf('/', value.indexOf('://') + 3);
  if (pathAt < 0) return false;
  let known = false;
  for (const origin of plainOrigins) {
    if (origin.length === pathAt && value.startsWith(origin)) {
      known = true;
      break;
    }
  }
  if (!known) {
    const origin = value.slice(0, pathAt);
    if (!isPlainOrigin(origin)) return false;
    if (plainOrigins.length >= 8) plainOrigins.shift();
    plainOrigins.push(origin);
  }
  return isPlainPathAndQuery(value, pathAt);
}

export const Url = new GraphQLScalarType({
  ...URLResolver.toConfig(),
  serialize: (value) => (typeof value === 'string' && isPlainUrl(value) ? value : URLResolver.serialize(value)),
});
