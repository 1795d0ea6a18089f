/** Small pieces every Chat type uses. */
import { param } from '../shared/mutation.ts';

/** Description of the `webhookEnabled` input field, sent as Twilio's `X-Twilio-Webhook-Enabled` header. */
export const WEBHOOK_ENABLED = 'Sent as `X-Twilio-Webhook-Enabled`: whether Twilio calls the service webhooks for this change.';

/** The `webhookEnabled` input field of the Chat writes that take `X-Twilio-Webhook-Enabled`. */
export const webhookEnabled = param('header', 'X-Twilio-Webhook-Enabled', 'Boolean', WEBHOOK_ENABLED);

/** The `serviceSid` input field of the Chat writes inside a service, sent as the path's `ServiceSid`. */
export const serviceSid = param('path', 'ServiceSid', 'String', 'The SID of the service (`IS…`).', { required: true, sid: 'IS' });

/** The `channelSidOrUniqueName` input field of the Chat writes inside a channel, sent as the path's `ChannelSid`. */
export const channelSidOrUniqueName = param('path', 'ChannelSid', 'String', 'The SID (`CH…`) or unique name of the channel.', {
  required: true,
  sidOrName: 'CH',
});

/** The `dateCreated` and `dateUpdated` input fields of the Chat writes that record dates for imports; `created` describes the first. */
export function importDates(created: string) {
  return {
    dateCreated: param('body', 'DateCreated', 'DateTime', created),
    dateUpdated: param('body', 'DateUpdated', 'DateTime', 'Update date to record, for imports.'),
  };
}

/** The `userSidOrIdentity` input field of the Chat writes under a user, sent as the path's `UserSid`. */
export const userSidOrIdentity = param('path', 'UserSid', 'String', 'The SID (`US…`) or identity of the user.', { required: true, sidOrName: 'US' });
