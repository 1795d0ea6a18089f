/** Small pieces several Proxy types use. */
import { badInput } from '../shared/errors.ts';
import { isSid } from '../shared/validate.ts';

/** Proxy keeps interaction data as JSON text (`{"body": "hello"}`); the schema serves it parsed (as the text itself if it is not JSON). */
export function parseData(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Description of a number's `capabilities`, which Twilio serves as an object of flags. */
export const CAPABILITIES = 'What the number can carry, as Twilio reports it: flags such as `sms_inbound`, `sms_outbound`, `voice_inbound`, `mms_outbound`.';

/** A proxy identifier's SID: a phone number (`PN…`) or a short code (`SC…`) of the service's pool. */
export function checkProxyIdentifierSid(field: string, value: string): string {
  if (!isSid(value, 'PN') && !isSid(value, 'SC')) {
    throw badInput(field, `expected a SID: PN or SC followed by 32 hexadecimal digits, got ${JSON.stringify(value)}`);
  }
  return value;
}
