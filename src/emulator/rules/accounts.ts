/**
 * Accounts v1 behaviour beyond CRUD: AWS and public-key credentials whose
 * secrets are checked and never kept, the SafeList of phone numbers, the
 * secondary auth token (live in the account registry, so it authenticates),
 * its promotion to primary, and bulk consents and contacts checked item by
 * item with a result per `correlation_id`.
 */
import { createPublicKey, randomBytes } from 'node:crypto';
import type { StoredRecord } from '../store.ts';
import { EmulatorError, invalidParameter, notFound } from '../errors.ts';
import type { OpContext, OpResult, ProductRules, ResourceRule } from './types.ts';
import { E164 } from '../params.ts';

const MAX_FRIENDLY_NAME = 64;
/** Twilio's limit of items in one bulk consents or contacts request. */
const MAX_BULK_ITEMS = 25;

const registry = (ctx: OpContext) => ctx.engine.authTokens;

/** A result built from data that is no table row (auth tokens), served with every property of its schema. */
function serve(ctx: OpContext, path: string, data: Record<string, unknown>): Record<string, unknown> {
  const record: StoredRecord = { seq: 0, path, collection: path, data };
  return ctx.engine.serialize(ctx.account, ctx.op.resource, record);
}

// ---- credentials ----

function checkFriendlyName(value: unknown): void {
  if (typeof value === 'string' && value.length > MAX_FRIENDLY_NAME) {
    throw invalidParameter(`Invalid body parameter FriendlyName: must be at most ${MAX_FRIENDLY_NAME} characters`);
  }
}

/** `AccountSid` names the (sub)account a credential is for; the emulator knows no subaccounts, so only the caller's own. */
function checkAccountSid(ctx: OpContext): void {
  const sid = ctx.inputs.AccountSid;
  if (sid !== undefined && sid !== ctx.account.accountSid) {
    throw invalidParameter(`Invalid body parameter AccountSid: ${String(sid)} is not a subaccount of ${ctx.account.accountSid}`);
  }
}

/** `Credentials` is `<access key id>:<secret access key>`. */
function checkAwsCredentials(value: unknown): void {
  const m = /^([A-Z0-9]{16,128}):(\S{16,})$/.exec(String(value));
  if (!m) {
    throw invalidParameter(
      'Invalid body parameter Credentials: expected <AWS access key ID>:<AWS secret access key>, e.g. AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    );
  }
}

/** `PublicKey` must be a PEM `PUBLIC KEY` block holding an RSA key (what Public Key Client Validation signs with). */
function checkPublicKey(value: unknown): void {
  const bad = (why: string) => invalidParameter(`Invalid body parameter PublicKey: ${why}`);
  const m = /^\s*-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----\s*$/.exec(String(value));
  if (!m) throw bad('expected a PEM block from -----BEGIN PUBLIC KEY----- to -----END PUBLIC KEY-----');
  let type: string | undefined;
  try {
    type = createPublicKey({ key: Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' }).asymmetricKeyType;
  } catch {
    throw bad('the PEM block does not hold a valid public key');
  }
  if (type !== 'rsa') throw bad(`expected an RSA public key, got ${type ?? 'an unknown key type'}`);
}

function credentialRule(secretParam: string, checkSecret: (value: unknown) => void): ResourceRule {
  return {
    // The secret is checked, then dropped: the resource has no field for it, so it is never stored nor served.
    defaults: () => ({ friendly_name: null }),
    beforeCreate(ctx, data) {
      checkFriendlyName(data.friendly_name);
      checkAccountSid(ctx);
      checkSecret(ctx.inputs[secretParam]);
    },
    beforeUpdate(_ctx, _record, changes) {
      checkFriendlyName(changes.friendly_name);
    },
  };
}

// ---- SafeList ----

const SAFELIST = '/v1/SafeList/Numbers';

function safelistNumber(ctx: OpContext, where: 'query' | 'body'): string {
  const number = ctx.inputs.PhoneNumber as string | undefined;
  if (number === undefined) throw invalidParameter(`Missing required parameter PhoneNumber in the ${where === 'query' ? 'query string' : 'post body'}`);
  if (!E164.test(number)) throw invalidParameter(`Invalid ${where} parameter PhoneNumber: expected an E.164 phone number, got ${JSON.stringify(number)}`);
  return number;
}

function safelistEntry(ctx: OpContext, number: string): StoredRecord {
  const entry = ctx.account.list(SAFELIST).find((r) => r.data.phone_number === number);
  if (!entry) throw new EmulatorError(404, 20404, `The phone number ${number} is not in the SafeList`);
  return entry;
}

const safelistBody = (record: StoredRecord) => ({ sid: record.data.sid, phone_number: record.data.phone_number });

// ---- bulk consents and contacts ----

type ItemCheck = (item: Record<string, unknown>) => string[];

const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

const consentCheck: ItemCheck = (item) => {
  const errors: string[] = [];
  if (!isString(item.contact_id) || !E164.test(item.contact_id)) errors.push('INVALID_CONTACT_ID');
  const sender = item.sender_id;
  if (!isString(sender) || !(/^MG[0-9a-fA-F]{32}$/.test(sender) || E164.test(sender) || /^\d{5,6}$/.test(sender))) errors.push('INVALID_SENDER_ID');
  if (item.status !== 'opt-in' && item.status !== 'opt-out') errors.push('INVALID_STATUS');
  if (!['website', 'offline', 'opt-in-message', 'opt-out-message', 'others'].includes(item.source as string)) errors.push('INVALID_SOURCE');
  const date = item.date_of_consent;
  if (date !== undefined && date !== null && date !== '' && !(isString(date) && ISO_DATE_TIME.test(date) && !Number.isNaN(Date.parse(date)))) {
    errors.push('INVALID_DATE_OF_CONSENT');
  }
  return errors;
};

const contactCheck: ItemCheck = (item) => {
  const errors: string[] = [];
  if (!isString(item.contact_id) || !E164.test(item.contact_id)) errors.push('INVALID_CONTACT_ID');
  if (item.country_iso_code !== undefined && !(isString(item.country_iso_code) && /^[A-Z]{2}$/.test(item.country_iso_code)))
    errors.push('INVALID_COUNTRY_ISO_CODE');
  if (item.zip_code !== undefined && !(isString(item.zip_code) && /^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$/.test(item.zip_code))) errors.push('INVALID_ZIP_CODE');
  return errors;
};

/**
 * Checks a batch: each item answers `{correlation_id, error_code, error_messages}`
 * (no API reads consents or contacts back, so nothing is kept). A batch that
 * cannot be answered per item (not objects, no or duplicate correlation ids,
 * too many) is refused whole.
 */
function bulkResults(ctx: OpContext, errorCode: number, check: ItemCheck): OpResult {
  const items = ctx.inputs.Items as unknown[];
  if (items.length > MAX_BULK_ITEMS) throw invalidParameter(`Invalid body parameter Items: at most ${MAX_BULK_ITEMS} items per request, got ${items.length}`);
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalidParameter(`Invalid body parameter Items[${i}]: expected a JSON object`);
    const id = (item as Record<string, unknown>).correlation_id;
    if (!isString(id) || !/^[A-Za-z0-9-]{32,36}$/.test(id))
      throw invalidParameter(`Invalid body parameter Items[${i}].correlation_id: expected a 32-character UUID`);
    if (seen.has(id)) throw invalidParameter(`Invalid body parameter Items[${i}].correlation_id: ${id} is used by more than one item`);
    seen.add(id);
  });
  const results = (items as Array<Record<string, unknown>>).map((item) => {
    const errors = check(item);
    return { correlation_id: item.correlation_id, error_code: errors.length ? errorCode : 0, error_messages: errors };
  });
  return { status: 201, body: { items: results } };
}

export const accountsRules: ProductRules = {
  resources: {
    'accounts.v1.credential.credential_aws': credentialRule('Credentials', checkAwsCredentials),
    'accounts.v1.credential.credential_public_key': credentialRule('PublicKey', checkPublicKey),
  },

  operations: {
    CreateSafelist(ctx) {
      const number = safelistNumber(ctx, 'body');
      if (ctx.account.list(SAFELIST).some((r) => r.data.phone_number === number)) {
        throw new EmulatorError(400, 60411, `The phone number ${number} already exists in the SafeList`);
      }
      const sid = ctx.engine.newSid('GN');
      return { status: 201, body: safelistBody(ctx.account.insert(SAFELIST, sid, { sid, phone_number: number })) };
    },
    FetchSafelist(ctx) {
      return { status: 200, body: safelistBody(safelistEntry(ctx, safelistNumber(ctx, 'query'))) };
    },
    DeleteSafelist(ctx) {
      ctx.account.remove(safelistEntry(ctx, safelistNumber(ctx, 'query')).path);
      return { status: 204, body: null };
    },

    CreateSecondaryAuthToken(ctx) {
      // A new secondary token replaces any earlier one.
      const token = randomBytes(16).toString('hex');
      registry(ctx).setSecondaryAuthToken(ctx.account.accountSid, token);
      ctx.account.state.accounts.secondaryAuthTokenCreated = ctx.now;
      const body = serve(ctx, '/v1/AuthTokens/Secondary', {
        account_sid: ctx.account.accountSid,
        date_created: ctx.now,
        date_updated: ctx.now,
        secondary_auth_token: token,
      });
      return { status: 201, body };
    },
    DeleteSecondaryAuthToken(ctx) {
      if (!registry(ctx).get(ctx.account.accountSid)?.secondaryAuthToken) throw notFound('/v1/AuthTokens/Secondary');
      registry(ctx).setSecondaryAuthToken(ctx.account.accountSid, null);
      ctx.account.state.accounts.secondaryAuthTokenCreated = undefined;
      return { status: 204, body: null };
    },
    UpdateAuthTokenPromotion(ctx) {
      const created = ctx.account.state.accounts.secondaryAuthTokenCreated ?? ctx.now;
      const token = registry(ctx).promoteSecondaryAuthToken(ctx.account.accountSid);
      if (token === null) throw invalidParameter('There is no secondary Auth Token to promote: create one first');
      ctx.account.state.accounts.secondaryAuthTokenCreated = undefined;
      const body = serve(ctx, '/v1/AuthTokens/Promote', {
        account_sid: ctx.account.accountSid,
        auth_token: token,
        date_created: created,
        date_updated: ctx.now,
      });
      return { status: 200, body };
    },

    CreateBulkConsents: (ctx) => bulkResults(ctx, 30646, consentCheck),
    CreateBulkContacts: (ctx) => bulkResults(ctx, 30647, contactCheck),
  },
};
