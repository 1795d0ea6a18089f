/** Small pieces several Proxy types use. */
import { param } from '../shared/mutation.ts';

/** Description of a number's `capabilities`, which Twilio serves as an object of flags. */
export const CAPABILITIES = 'What the number can carry, as Twilio reports it: flags such as `sms_inbound`, `sms_outbound`, `voice_inbound`, `mms_outbound`.';

/** Description of the `uniqueName` a service or session is created (or a service changed) with. */
export const UNIQUE_NAME = 'An application-defined string that uniquely identifies the resource. At most 191 characters and unique; it should not hold PII.';

/** A required input field sent as a SID of the request path. */
export function pathSid(name: string, prefix: string, description: string) {
  return param('path', name, 'String', description, { required: true, sid: prefix });
}

/** The `serviceSid` of the writes under a session: its service, sent as the path's `ServiceSid`. */
export const parentServiceSid = pathSid('ServiceSid', 'KS', 'The SID of the parent Service (`KS…`).');

/** The `sessionSid` of the writes under a session, sent as the path's `SessionSid`. */
export const parentSessionSid = pathSid('SessionSid', 'KC', 'The SID of the parent Session (`KC…`).');

/** The `serviceSid` of the writes to a service's pool (phone numbers, short codes). */
export const poolServiceSid = pathSid('ServiceSid', 'KS', 'The SID of the service (`KS…`).');
