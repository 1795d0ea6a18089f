/** Small pieces every Chat type uses. */
import { param } from '../shared/mutation.ts';

/** Description of the `webhookEnabled` input field, sent as Twilio's `X-Twilio-Webhook-Enabled` header. */
export const WEBHOOK_ENABLED = 'Sent as `X-Twilio-Webhook-Enabled`: whether Twilio calls the service webhooks for this change.';

/** The `X-Twilio-Webhook-Enabled` header for a write, when the caller chose. */
export function webhookHeader(enabled: boolean | null | undefined): { 'X-Twilio-Webhook-Enabled': 'true' | 'false' } | undefined {
  if (enabled === null || enabled === undefined) return undefined;
  return { 'X-Twilio-Webhook-Enabled': enabled ? 'true' : 'false' };
}

/** JSON input for an `Attributes` parameter. */
export function attributesParam(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : JSON.stringify(value);
}

/** The `webhookEnabled` input field of the Chat writes that take `X-Twilio-Webhook-Enabled`. */
export const webhookEnabled = param('header', 'X-Twilio-Webhook-Enabled', 'Boolean', WEBHOOK_ENABLED);

/** The `serviceSid` input field of the Chat writes under a service, sent as the path's `ServiceSid`. */
export const serviceSid = param('path', 'ServiceSid', 'String', 'The SID of the service (`IS…`).', { required: true, sid: 'IS' });

/** The `channelSidOrUniqueName` input field of the Chat writes under a channel, sent as the path's `ChannelSid`. */
export const channelSidOrUniqueName = param('path', 'ChannelSid', 'String', 'The SID (`CH…`) or unique name of the channel.', { required: true, sidOrName: 'CH' });

/** The `userSidOrIdentity` input field of the Chat writes under a user, sent as the path's `UserSid`. */
export const userSidOrIdentity = param('path', 'UserSid', 'String', 'The SID (`US…`) or identity of the user.', { required: true, sidOrName: 'US' });
