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
