/** Small pieces several Proxy types use. */
import { badInput } from '../shared/errors.ts';
import { isSid } from '../shared/validate.ts';

/** Description of a number's `capabilities`, which Twilio serves as an object of flags. */
export const CAPABILITIES = 'What the number can carry, as Twilio reports it: flags such as `sms_inbound`, `sms_outbound`, `voice_inbound`, `mms_outbound`.';

/** A proxy identifier's SID: a phone number (`PN…`) or a short code (`SC…`) of the service's pool. */
export function checkProxyIdentifierSid(field: string, value: string): string {
  if (!isSid(value, 'PN') && !isSid(value, 'SC')) {
    throw badInput(field, `expected a SID: PN or SC followed by 32 hexadecimal digits, got ${JSON.stringify(value)}`);
  }
  return value;
}
