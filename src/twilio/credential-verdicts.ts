/**
 * What Twilio last said of a credential, remembered process-wide so that a
 * credential it just refused is not tried again at once (anyone who knows an
 * account SID could otherwise make Twilio see a storm of failed logins in
 * that account's name, and take the account's in-flight slots with them),
 * and a credential it accepted may use the account's slots.
 *
 * Credentials are keyed by an HMAC under a key drawn at start-up: the
 * secret itself, or anything that could be reversed to it offline, is never
 * kept. Both memories are bounded, so a flood of made-up credentials costs a
 * fixed amount of memory.
 */
import { createHmac, randomBytes } from 'node:crypto';

const PROCESS_KEY = randomBytes(32);

/** The key of a credential: the account it acts for and the Authorization it sends. */
export function credentialKey(accountSid: string, authorization: string): string {
  return createHmac('sha256', PROCESS_KEY).update(accountSid).update('\n').update(authorization).digest('base64url');
}

/** Insertion-ordered keys with an expiry; the oldest go first when full. */
class ExpiringKeys {
  readonly #expiries = new Map<string, number>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
  ) {}

  get size(): number {
    return this.#expiries.size;
  }

  add(key: string): void {
    this.#expiries.delete(key);
    this.#expiries.set(key, Date.now() + this.ttlMs);
    // Every entry lives equally long, so the oldest inserted expires first.
    for (const [oldest, expiry] of this.#expiries) {
      if (this.#expiries.size <= this.maxEntries && expiry > Date.now()) break;
      this.#expiries.delete(oldest);
    }
  }

  has(key: string): boolean {
    const expiry = this.#expiries.get(key);
    if (expiry === undefined) return false;
    if (expiry > Date.now()) return true;
    this.#expiries.delete(key);
    return false;
  }

  delete(key: string): void {
    this.#expiries.delete(key);
  }
}

export interface CredentialVerdictsOptions {
  /** How long a refusal is remembered. */
  refusedForMs: number;
  /** Most credentials remembered, refused and accepted each. */
  maxEntries: number;
}

/** Long enough that a storm of failed logins is answered from memory; short enough that a fixed credential works again soon. */
export const REFUSED_CREDENTIAL_MS = 30_000;
/** A bound on memory whatever the number of credentials seen; a forgotten credential is only asked about again. */
export const REMEMBERED_CREDENTIALS = 10_000;
// An accepted credential stays accepted until Twilio says otherwise; the bound, not time, limits the memory.
const ACCEPTED_FOR_MS = 24 * 60 * 60_000;

export class CredentialVerdicts {
  readonly #refused: ExpiringKeys;
  readonly #accepted: ExpiringKeys;
  // API keys whose answers showed them to belong to the account they were sent with (X-Twilio-Account-Sid).
  readonly #ofAccount: ExpiringKeys;
  // Accepted from the start and never forgotten: the operator's own credentials, a handful at most.
  readonly #trusted = new Set<string>();

  constructor(options: Partial<CredentialVerdictsOptions> = {}) {
    const maxEntries = options.maxEntries ?? REMEMBERED_CREDENTIALS;
    this.#refused = new ExpiringKeys(maxEntries, options.refusedForMs ?? REFUSED_CREDENTIAL_MS);
    this.#accepted = new ExpiringKeys(maxEntries, ACCEPTED_FOR_MS);
    this.#ofAccount = new ExpiringKeys(maxEntries, ACCEPTED_FOR_MS);
  }

  get size(): { refused: number; accepted: number } {
    return { refused: this.#refused.size, accepted: this.#accepted.size };
  }

  /** Twilio answered 401 to this credential. */
  refused(key: string): void {
    this.#accepted.delete(key);
    this.#ofAccount.delete(key);
    this.#refused.add(key);
  }

  /** A record Twilio answered this credential with belongs to the account the credential names. */
  ofAccount(key: string): void {
    this.#ofAccount.add(key);
  }

  /** Whether an answer has shown this credential's account to be the one it names. */
  isOfAccount(key: string): boolean {
    return this.#ofAccount.has(key);
  }

  /** Twilio answered this credential with anything that shows it authenticated. */
  accepted(key: string): void {
    this.#refused.delete(key);
    this.#accepted.add(key);
  }

  isRefused(key: string): boolean {
    return this.#refused.has(key);
  }

  /** Accepted without asking Twilio, for good; a refusal still holds for as long as it is remembered. */
  trust(key: string): void {
    this.#trusted.add(key);
  }

  isAccepted(key: string): boolean {
    return this.#accepted.has(key) || (this.#trusted.has(key) && !this.#refused.has(key));
  }
}
