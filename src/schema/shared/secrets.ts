/**
 * Secrets go one way. Write-only secrets (an AWS secret access key, a push
 * credential's private key, a Segment write key) are sent to Twilio and never
 * shown again, and neither are the Twilio credentials a request uses (auth
 * token, API key and secret), not even when Twilio quotes one back in a
 * refusal or an error message, whole, encoded or cut short.
 */
import { redact, secretsOf, withoutSecrets } from '../../twilio/secrets.ts';
import type { Payload } from './mutation.ts';

/**
 * Output types holding a Twilio credential (an auth token), returned once by
 * a mutation: never cached, whatever the configuration says.
 */
export const SECRET_BEARING_TYPES: readonly string[] = ['SecondaryAuthToken', 'AuthTokenPromotion'];

/**
 * Runs a write that sends secrets. Should Twilio repeat one in a refusal or
 * an error, it is cut out of the message before the message reaches a
 * payload's `userErrors`, an error response or a log line.
 */
export async function hidingSecrets<T>(secrets: ReadonlyArray<string | null | undefined>, write: () => Promise<Payload<T>>): Promise<Payload<T>> {
  const forms = secretsOf(secrets);
  try {
    const payload = await write();
    return { ...payload, userErrors: payload.userErrors.map((e) => ({ ...e, message: redact(e.message, forms) })) };
  } catch (error) {
    throw withoutSecrets(error, forms);
  }
}
