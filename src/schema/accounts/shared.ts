/** Small pieces every Accounts type uses. */
import type { Payload } from '../shared/mutation.ts';
import { badInput } from '../shared/errors.ts';

const E164 = /^\+[1-9]\d{1,14}$/;

/** A phone number in E.164 (`+14155550123`), as Twilio's SafeList and bulk APIs take it. */
export function checkE164(field: string, value: string): string {
  if (!E164.test(value)) {
    throw badInput(field, `expected an E.164 phone number (+, country code and number, at most 15 digits), got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Accounts answers dates in ISO 8601, though the spec speaks of RFC 2822 for
 * credentials; both parse, and the schema serves them as `DateTime`.
 */
export function dateOf(value: string | null | undefined): Date | null {
  if (!value) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time);
}

/** The spec calls `url` relative to `https://accounts.twilio.com`; Twilio sends it absolute. Either way the schema serves an absolute URL. */
export function urlOf(value: string | null | undefined): URL | null {
  if (!value) return null;
  try {
    return new URL(value, 'https://accounts.twilio.com');
  } catch {
    return null;
  }
}

const REDACTED = '[redacted]';

function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((t, secret) => t.split(secret).join(REDACTED), text);
}

/**
 * Runs a write that sends secrets (an AWS secret access key). Should Twilio
 * ever repeat one in a refusal or error, it is cut out of the message before
 * the message reaches a payload, an error response or a log line.
 */
export async function hidingSecrets<T>(secrets: ReadonlyArray<string | null | undefined>, write: () => Promise<Payload<T>>): Promise<Payload<T>> {
  const hidden = secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
  try {
    const payload = await write();
    return { ...payload, userErrors: payload.userErrors.map((e) => ({ ...e, message: redact(e.message, hidden) })) };
  } catch (error) {
    if (error instanceof Error) {
      error.message = redact(error.message, hidden);
      if (error.stack) error.stack = redact(error.stack, hidden);
    }
    throw error;
  }
}
