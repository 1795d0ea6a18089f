/**
 * Twilio's wire conventions for requests: path templates filled with
 * percent-encoded segments, and parameters as `application/x-www-form-urlencoded`.
 */
import type { FormValue } from './operation.ts';

/**
 * Fills `{Name}` placeholders in a path template. Every value is
 * percent-encoded as one segment, so a unique name such as `a/b c` cannot
 * change which resource is addressed; `.` and `..` are encoded too, because
 * URL normalisation would otherwise resolve them away.
 */
export function buildPath(template: string, params: Readonly<Record<string, string | number>> | undefined): string {
  return template.replace(/\{([^}]+)\}/g, (_match, name: string) => {
    const value: unknown = params?.[name];
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value !== 'string' || value === '') {
      // An empty segment would address the parent list instead, so it is never sent.
      throw new TypeError(`Path parameter ${name} of ${template} must be a non-empty string, but got ${value === '' ? 'an empty string' : String(value)}`);
    }
    return encodePathSegment(value);
  });
}

/** Percent-encodes one path segment, dot-segments included. */
export function encodePathSegment(value: string): string {
  if (value === '.' || value === '..') return value.replaceAll('.', '%2E');
  return encodeURIComponent(value);
}

/**
 * Encodes parameters the way Twilio reads them:
 * - arrays as repeated keys (`Permission=a&Permission=b`);
 * - dotted names (`Notifications.NewMessage.Enabled`) passed through as given;
 * - booleans as `true`/`false`, Dates as ISO 8601;
 * - plain objects as JSON text (`SinkConfiguration`, bulk `Items`);
 * - `undefined` and `null` omitted.
 * Keys keep their insertion order.
 */
export function encodeForm(params: Readonly<Record<string, FormValue>> | undefined): URLSearchParams {
  const form = new URLSearchParams();
  if (!params) return form;
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) {
        if (item === undefined || item === null) continue;
        form.append(key, encodeScalar(item));
      }
    } else {
      form.append(key, encodeScalar(value));
    }
  }
  return form;
}

function encodeScalar(value: unknown): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('Cannot send an invalid Date to Twilio');
    return value.toISOString();
  }
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      return JSON.stringify(value);
    default:
      throw new TypeError(`Cannot form-encode a ${typeof value} for Twilio`);
  }
}

/** Appends a query string (if any) to a path. */
export function withQuery(path: string, query: URLSearchParams): string {
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
