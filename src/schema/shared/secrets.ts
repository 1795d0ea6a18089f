/**
 * Write-only secrets (an AWS secret access key, a push credential's private
 * key, a Segment write key) are sent to Twilio and never shown again, not
 * even when Twilio quotes one back in a refusal or an error message.
 */
import type { Payload } from './mutation.ts';

const REDACTED = '[redacted]';

function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((t, secret) => t.split(secret).join(REDACTED), text);
}

/**
 * Runs a write that sends secrets. Should Twilio repeat one in a refusal or
 * an error, it is cut out of the message before the message reaches a
 * payload's `userErrors`, an error response or a log line.
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
