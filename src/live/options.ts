/** How the gateway receives Twilio's webhooks and hands their events on (`REDIS_URL`, `PUBLIC_BASE_URL`, `WEBHOOK_*`). */

/** An account and the auth token its webhooks are signed with. */
export interface SigningAccount {
  accountSid: string;
  authToken: string;
}

export interface LiveOptions {
  /** Redis (`REDIS_URL`) for pub/sub and dedupe across replicas; null: in-process. */
  redisUrl: string | null;
  /** The public base URL Twilio calls the webhooks at (`PUBLIC_BASE_URL`); null: the URL each request arrived at. */
  publicBaseUrl: string | null;
  /** Accounts whose webhooks can be verified besides the configured credentials' (those of the embedded emulator). */
  signingAccounts: readonly SigningAccount[];
  /** Largest webhook body, in bytes (`WEBHOOK_MAX_BODY_BYTES`). */
  maxWebhookBodyBytes: number;
  /** How long a published event is remembered, to drop Twilio's retries of it (`WEBHOOK_DEDUPE_TTL_S`). */
  dedupeTtlMs: number;
  /** In-process only: most events remembered at once (`WEBHOOK_DEDUPE_MAX_KEYS`). */
  dedupeMaxKeys: number;
}

export const DEFAULT_LIVE_OPTIONS: Readonly<LiveOptions> = Object.freeze({
  redisUrl: null,
  publicBaseUrl: null,
  signingAccounts: [],
  maxWebhookBodyBytes: 1_000_000,
  // Event Streams retries a delivery for up to four hours.
  dedupeTtlMs: 6 * 60 * 60 * 1000,
  dedupeMaxKeys: 100_000,
});
