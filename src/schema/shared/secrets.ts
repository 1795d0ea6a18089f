/**
 * Secrets go one way. Write-only secrets (an AWS secret access key, a push
 * credential's private key, a Segment write key) are sent to Twilio and never
 * shown again (the mutation kit's `secret` fields), and neither are the Twilio
 * credentials a request uses (the REST layer's twilio/secrets.ts), not even
 * when Twilio quotes one back in a refusal or an error message. Nor are the
 * credentials a mutation returns once.
 */

/**
 * Output types holding a Twilio credential (an auth token), returned once by
 * a mutation: never cached, whatever the configuration says.
 */
export const SECRET_BEARING_TYPES: readonly string[] = ['SecondaryAuthToken', 'AuthTokenPromotion'];
