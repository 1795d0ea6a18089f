/**
 * A record's `url` is where Twilio serves it. Twilio sends it absolute, but
 * some specs call it relative to the product's host (Accounts v1: relative to
 * `https://accounts.twilio.com`), and an answer may hold it so. A relative
 * `url` is made absolute against the origin the call actually went to
 * (Twilio's host, with its edge and region, or an override such as the
 * emulator), so the layers above never need to know a host.
 */
import type { ResponseShape } from './response-shape.ts';

/** Makes the `url` of the answer's records absolute against `origin`, in place: the record itself, or each record of a page. */
export function resolveRecordUrls(body: unknown, shape: ResponseShape, origin: string): void {
  if (!isRecord(body)) return;
  if (shape.listKey === undefined) {
    resolveUrl(body, origin);
    return;
  }
  const items = body[shape.listKey];
  if (Array.isArray(items)) for (const item of items) if (isRecord(item)) resolveUrl(item, origin);
}

function resolveUrl(record: Record<string, unknown>, origin: string): void {
  const url = record.url;
  // An absolute URL is left exactly as Twilio wrote it.
  if (typeof url !== 'string' || url === '' || URL.canParse(url)) return;
  try {
    record.url = new URL(url, `${origin}/`).href;
  } catch {
    // Not a URL even relative to the origin: left for the layers above to refuse.
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
