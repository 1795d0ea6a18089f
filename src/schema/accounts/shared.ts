/** Small pieces every Accounts type uses. */
import { badInput } from '../shared/errors.ts';
import { param } from '../shared/mutation.ts';

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

/** A record's `url`, absolute: the REST layer has resolved one the answer gave relative against the host it called. */
export function urlOf(value: string | null | undefined): URL | null {
  if (!value) return null;
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/** The name of a credential (AWS or public key), on create and on update. */
export const credentialFriendlyName = param(
  'body',
  'FriendlyName',
  'String',
  'A descriptive string that you create to describe the resource. It can be up to 64 characters long.',
);

/** The subaccount a new credential (AWS or public key) belongs to. */
export const credentialAccountSid = param(
  'body',
  'AccountSid',
  'String',
  'The SID of the Subaccount that this Credential should be associated with (`AC…`). Must be a valid Subaccount of the account issuing the request.',
  { sid: 'AC' },
);
