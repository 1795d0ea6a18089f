/**
 * The accounts the emulator knows and how a request proves it is one of them:
 * HTTP Basic with an account SID and auth token (primary or secondary), or an
 * API key SID (`SK…`) and its secret.
 */
import { timingSafeEqual } from 'node:crypto';

export interface EmulatorAccount {
  accountSid: string;
  authToken: string;
  /** API keys of this account: key SID -> secret. */
  apiKeys?: Record<string, string>;
}

/** The account every emulator knows unless configured otherwise; documented in the README. */
export const DEMO_ACCOUNT = {
  accountSid: 'AC00000000000000000000000000000001',
  authToken: 'demo-auth-token',
  apiKey: 'SK00000000000000000000000000000001',
  apiSecret: 'demo-api-secret',
} as const;

export const DEFAULT_ACCOUNTS: EmulatorAccount[] = [
  {
    accountSid: DEMO_ACCOUNT.accountSid,
    authToken: DEMO_ACCOUNT.authToken,
    apiKeys: { [DEMO_ACCOUNT.apiKey]: DEMO_ACCOUNT.apiSecret },
  },
];

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const API_KEY_SID = /^SK[0-9a-fA-F]{32}$/;

/**
 * Reads accounts from `EMULATOR_ACCOUNTS`: comma-separated `AC…:token` entries,
 * each optionally followed by `:SK…:secret` pairs for its API keys.
 */
export function accountsFromEnv(value: string | undefined): EmulatorAccount[] {
  if (!value?.trim()) return DEFAULT_ACCOUNTS;
  return value.split(',').map((entry) => {
    const [accountSid, authToken, ...keys] = entry.trim().split(':');
    if (!accountSid || !ACCOUNT_SID.test(accountSid) || !authToken) {
      throw new Error('EMULATOR_ACCOUNTS: each entry must be AC<32 hex>:<auth token>[:SK<32 hex>:<secret>...]');
    }
    const apiKeys: Record<string, string> = {};
    for (let i = 0; i < keys.length; i += 2) {
      const sid = keys[i]!;
      const secret = keys[i + 1];
      if (!API_KEY_SID.test(sid) || !secret) throw new Error(`EMULATOR_ACCOUNTS: bad API key entry for ${accountSid}`);
      apiKeys[sid] = secret;
    }
    return { accountSid, authToken, apiKeys };
  });
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Live credentials: tokens change when a secondary token is created, deleted or promoted. */
export class AccountRegistry {
  private readonly accounts = new Map<string, { authToken: string; secondaryAuthToken: string | null }>();
  private readonly apiKeys = new Map<string, { accountSid: string; secret: string }>();

  constructor(private readonly configured: EmulatorAccount[]) {
    this.reset();
  }

  /** Back to the configured credentials: no secondary tokens, no promotions. */
  reset(): void {
    this.accounts.clear();
    this.apiKeys.clear();
    for (const a of this.configured) {
      this.accounts.set(a.accountSid, { authToken: a.authToken, secondaryAuthToken: null });
      for (const [sid, secret] of Object.entries(a.apiKeys ?? {})) this.apiKeys.set(sid, { accountSid: a.accountSid, secret });
    }
  }

  /** The account SID an `Authorization` header proves, or undefined. */
  authenticate(header: string | undefined): string | undefined {
    const m = /^Basic\s+(.+)$/i.exec(header ?? '');
    if (!m) return undefined;
    const decoded = Buffer.from(m[1]!, 'base64').toString();
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const account = this.accounts.get(user);
    if (account) {
      const ok = same(password, account.authToken) || (account.secondaryAuthToken !== null && same(password, account.secondaryAuthToken));
      return ok ? user : undefined;
    }
    const key = this.apiKeys.get(user);
    return key && same(password, key.secret) ? key.accountSid : undefined;
  }

  get(accountSid: string) {
    return this.accounts.get(accountSid);
  }

  /** Sets (or, with null, removes) an account's secondary auth token. */
  setSecondaryAuthToken(accountSid: string, token: string | null): void {
    const account = this.accounts.get(accountSid);
    if (account) account.secondaryAuthToken = token;
  }

  /** Makes the secondary token the primary one; the old primary stops working. Returns the new primary, or null if there was no secondary. */
  promoteSecondaryAuthToken(accountSid: string): string | null {
    const account = this.accounts.get(accountSid);
    if (!account?.secondaryAuthToken) return null;
    account.authToken = account.secondaryAuthToken;
    account.secondaryAuthToken = null;
    return account.authToken;
  }
}
