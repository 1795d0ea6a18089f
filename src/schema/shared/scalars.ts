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

/** Whole seconds in UTC, as Twilio writes every date. */
const TWILIO_DATE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** `value` as Date#toJSON would write it, for a valid date in Twilio's form; undefined for anything else. */
export function twilioDateJson(value: string): string | undefined {
  const match = TWILIO_DATE.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number) as [number, number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || second > 59) return undefined;
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
const PLAIN_URL = new RegExp(
  '^https?://' +
    '(?:(?:[a-z0-9-]+\\.)*[a-z][a-z0-9-]*|(?:(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d))' +
    '(?::[1-9]\\d{0,4})?' +
    "(?:/[A-Za-z0-9\\-._~!$&()*+,;=:@%]*)+" +
    "(?:\\?[A-Za-z0-9\\-._~!$&()*+,;=:@%/?]*)?$",
);
const DOT_SEGMENT = /\/(?:\.|%2e){1,2}(?=[/?]|$)/i;

export function isPlainUrl(value: string): boolean {
  if (!PLAIN_URL.test(value) || DOT_SEGMENT.test(value) || value.includes('xn--')) return false;
  const port = /^https?:\/\/[^/:]+:(\d+)/.exec(value)?.[1];
  if (port === undefined) return true;
  const defaultPort = value.startsWith('https:') ? 443 : 80;
  return Number(port) <= 65535 && Number(port) !== defaultPort;
}

export const Url = new GraphQLScalarType({
  ...URLResolver.toConfig(),
  serialize: (value) => (typeof value === 'string' && isPlainUrl(value) ? value : URLResolver.serialize(value)),
});
