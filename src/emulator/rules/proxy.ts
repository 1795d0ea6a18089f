/**
 * Proxy v1 behaviour beyond CRUD: service and session defaults and unique
 * names, the number pool (phone numbers and short codes known by SID and
 * number, each in one service only), proxy identifiers allocated to
 * participants so that an (identifier, proxy identifier) pair is used by one
 * active session at a time, matched to the participant's country or area code,
 * at most two participants per session, the session lifecycle (the status
 * changes Twilio allows, expiry by `Ttl` or `DateExpiry` as of the emulator's
 * clock), and message interactions that are also interactions of the session.
 */
import { createHash } from 'node:crypto';
import type { StoredRecord } from '../store.ts';
import type { NumberBook } from '../account-state.ts';
import { EmulatorError, invalidParameter } from '../errors.ts';
import type { OpContext, ProductRules, RuleAccount } from './types.ts';
import { E164, twilioDate } from '../params.ts';
import type { RateScope } from '../limits.ts';

const SERVICE = 'proxy.v1.service';
const PHONE_NUMBER = 'proxy.v1.service.phone_number';
const SHORT_CODE = 'proxy.v1.service.short_code';
const SESSION = 'proxy.v1.service.session';
const PARTICIPANT = 'proxy.v1.service.session.participant';
const INTERACTION = 'proxy.v1.service.session.interaction';
const MESSAGE_INTERACTION = 'proxy.v1.service.session.participant.message_interaction';

/** Twilio's limits: unique names up to 191 characters, two participants per session. */
const MAX_UNIQUE_NAME = 191;
const MAX_PARTICIPANTS = 2;

/** Proxy's errors, with Twilio's codes. */
const proxyError = (code: number, message: string, status = 400) => new EmulatorError(status, code, message);

const servicePath = (ctx: OpContext) => `/v1/Services/${ctx.params.ServiceSid}`;
const sessionPath = (ctx: OpContext) => `${servicePath(ctx)}/Sessions/${ctx.params.SessionSid}`;

/** Sessions whose participants hold their proxy identifiers. */
const isActive = (session: StoredRecord) => session.data.status === 'open' || session.data.status === 'in-progress';

// ---- session expiry ----

/**
 * A session expires at its `DateExpiry`, which overrides `Ttl`; else `Ttl`
 * seconds after it was created (or re-opened) or after its last interaction,
 * whichever is later; with neither set, after Twilio's default TTL of 90 days
 * (https://www.twilio.com/docs/api/errors/80904, https://www.twilio.com/docs/proxy/api/session).
 */
const DEFAULT_TTL_SECONDS = 90 * 24 * 3600;

/**
 * `closed_reason` of an expired session. Twilio documents the field ("the
 * reason the Session ended") but not its values; these name what ran out.
 */
export const EXPIRED_BY_TTL = 'ttl';
export const EXPIRED_BY_DATE_EXPIRY = 'date-expiry';

function expiryOf(session: StoredRecord): { at: number; reason: string } {
  const { date_expiry, ttl, date_last_interaction } = session.data;
  if (typeof date_expiry === 'string') return { at: Date.parse(date_expiry), reason: EXPIRED_BY_DATE_EXPIRY };
  const from = Math.max(
    Date.parse(String(session.data._ttl_from ?? session.data.date_started)),
    typeof date_last_interaction === 'string' ? Date.parse(date_last_interaction) : -Infinity,
  );
  const seconds = typeof ttl === 'number' && ttl > 0 ? ttl : DEFAULT_TTL_SECONDS;
  return { at: from + seconds * 1000, reason: EXPIRED_BY_TTL };
}

/**
 * Closes the account's active sessions that expired by `now`, as of the time
 * they expired. Sweeps only when the tables changed or the next expiry came,
 * so most requests cost one comparison.
 */
function closeExpiredSessions(account: RuleAccount, now: number): void {
  const swept = account.state.proxy.expiry;
  if (swept.version === account.version && now < swept.next) return;
  let next = Infinity;
  for (const service of account.list('/v1/Services')) {
    for (const session of account.list(`${service.path}/Sessions`)) {
      if (!isActive(session)) continue;
      const { at, reason } = expiryOf(session);
      if (at > now) {
        next = Math.min(next, at);
        continue;
      }
      const ended = twilioDate(new Date(at));
      account.update(session, { status: 'closed', date_ended: ended, date_updated: ended, closed_reason: reason });
    }
  }
  swept.version = account.version;
  swept.next = next;
}

// ---- geo-matching ----

/**
 * Area codes that share a North American overlay complex, so a number of one
 * is local to a participant of another (the largest cities'; any other area
 * code overlays only itself).
 */
const OVERLAYS: string[][] = [
  ['212', '646', '332', '917'],
  ['718', '347', '929', '917'],
  ['312', '872'],
  ['773', '872'],
  ['415', '628'],
  ['408', '669'],
  ['510', '341'],
  ['213', '323'],
  ['310', '424'],
  ['818', '747'],
  ['202', '771'],
  ['305', '786', '645'],
  ['404', '470', '678', '770', '943'],
  ['214', '469', '972', '945'],
  ['713', '281', '832', '346'],
  ['617', '857'],
  ['215', '267', '445'],
  ['303', '720', '983'],
  ['702', '725'],
  ['512', '737'],
  ['503', '971'],
  ['416', '647', '437'],
  ['604', '778', '236'],
  ['514', '438'],
];

/**
 * The area code of a North American number (`+1 NPA …`), or null. Codes of no
 * area have none to match: toll-free (8XX), N00, N11, and 555, kept for fiction.
 */
function areaCode(number: string): string | null {
  const npa = /^\+1(\d{3})\d{7}$/.exec(number)?.[1];
  if (!npa || /^(8(00|33|44|55|66|77|88)|\d00|\d11|555)$/.test(npa)) return null;
  return npa;
}

/**
 * Whether a pool number is local enough for a participant at the service's
 * `GeoMatchLevel`: `country` (the default) matches the country; `area-code`
 * the area code; `overlay` (and `radius`, whose distance Twilio does not
 * publish) any area code of the same overlay. Finer levels than country apply
 * in North America only; elsewhere, for numbers of no area, and for short
 * codes, which are national, the country is the match
 * (https://www.twilio.com/docs/proxy/api/service, https://www.twilio.com/docs/api/errors/80206).
 */
function sameArea(level: unknown, participant: string, entry: PoolEntry): boolean {
  const theirs = areaCode(participant);
  if (level === 'country' || !theirs || entry.shortCode) return true;
  const ours = areaCode(entry.value);
  if (ours === theirs) return true;
  if (level === 'area-code' || !ours) return false;
  return OVERLAYS.some((complex) => complex.includes(theirs) && complex.includes(ours));
}

// ---- numbers: every Twilio number of the account has one SID and one number ----

function digitsOf(seed: string, salt: number): number[] {
  return [...createHash('md5').update(`${seed}:${salt}`).digest()];
}

/** A realistic, stable US number for a `PN` SID given without its number. */
function synthesisePhoneNumber(book: NumberBook, sid: string): string {
  for (let salt = 0; ; salt++) {
    const d = digitsOf(sid, salt);
    const area = 201 + (((d[0]! << 8) | d[1]!) % 799);
    const exchange = 200 + (((d[2]! << 8) | d[3]!) % 800);
    const line = ((d[4]! << 8) | d[5]!) % 10000;
    const number = `+1${area}${exchange}${String(line).padStart(4, '0')}`;
    if (!book.byValue.has(number) && !/11$/.test(String(area))) return number;
  }
}

/** A realistic, stable five-digit short code for an `SC` SID. */
function synthesiseShortCode(book: NumberBook, sid: string): string {
  for (let salt = 0; ; salt++) {
    const d = digitsOf(sid, salt);
    const code = String(20000 + (((d[0]! << 16) | (d[1]! << 8) | d[2]!) % 80000));
    if (!book.byValue.has(code)) return code;
  }
}

/** Country calling codes of the countries Proxy numbers are commonly bought in. */
const COUNTRY_CODES: Array<[string, string]> = [
  ['1', 'US'],
  ['44', 'GB'],
  ['61', 'AU'],
  ['64', 'NZ'],
  ['33', 'FR'],
  ['49', 'DE'],
  ['34', 'ES'],
  ['39', 'IT'],
  ['31', 'NL'],
  ['32', 'BE'],
  ['41', 'CH'],
  ['43', 'AT'],
  ['45', 'DK'],
  ['46', 'SE'],
  ['47', 'NO'],
  ['48', 'PL'],
  ['351', 'PT'],
  ['353', 'IE'],
  ['358', 'FI'],
  ['52', 'MX'],
  ['54', 'AR'],
  ['55', 'BR'],
  ['56', 'CL'],
  ['57', 'CO'],
  ['65', 'SG'],
  ['81', 'JP'],
  ['82', 'KR'],
  ['91', 'IN'],
  ['852', 'HK'],
  ['27', 'ZA'],
  ['971', 'AE'],
  ['972', 'IL'],
];

/** ISO country of an E.164 number, or null when its calling code is not one we know. */
function isoCountry(number: string): string | null {
  if (!E164.test(number)) return null;
  let best: [string, string] | undefined;
  for (const entry of COUNTRY_CODES) {
    if (number.startsWith('+' + entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  }
  return best?.[1] ?? null;
}

/** `(415) 555-0100` for North American numbers, as Twilio names a new number; the number itself otherwise. */
function friendlyName(number: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(number);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : number;
}

const PHONE_CAPABILITIES = {
  fax_inbound: false,
  fax_outbound: false,
  mms_inbound: true,
  mms_outbound: true,
  sms_inbound: true,
  sms_outbound: true,
  voice_inbound: true,
  voice_outbound: true,
};

const SHORT_CODE_CAPABILITIES = {
  fax_inbound: false,
  fax_outbound: false,
  mms_inbound: false,
  mms_outbound: false,
  sms_inbound: true,
  sms_outbound: true,
  voice_inbound: false,
  voice_outbound: false,
};

/** The SID and number a new pool entry stands for, from `Sid`, `PhoneNumber` or both; throws 400 when they disagree. */
function identifyPhoneNumber(ctx: OpContext): { sid: string; phone_number: string } {
  const book = ctx.account.state.proxy.numbers;
  const sid = ctx.inputs.Sid as string | undefined;
  const number = ctx.inputs.PhoneNumber as string | undefined;
  if (sid === undefined && number === undefined) {
    throw invalidParameter('Missing required parameter Sid or PhoneNumber in the post body');
  }
  if (number !== undefined && !E164.test(number)) {
    throw invalidParameter(`Invalid body parameter PhoneNumber: expected an E.164 phone number, got ${JSON.stringify(number)}`);
  }
  const knownNumber = sid !== undefined ? book.bySid.get(sid) : undefined;
  const knownSid = number !== undefined ? book.byValue.get(number) : undefined;
  if (sid !== undefined && number !== undefined && ((knownNumber && knownNumber !== number) || (knownSid && knownSid !== sid))) {
    throw invalidParameter(`Invalid body parameter PhoneNumber: ${number} is not the number of ${sid}`, 80601);
  }
  if (sid !== undefined) return { sid, phone_number: number ?? knownNumber ?? synthesisePhoneNumber(book, sid) };
  return { sid: knownSid ?? ctx.engine.newSid('PN'), phone_number: number! };
}

/** A Twilio number belongs to one Proxy service's pool at a time. */
function checkNotInOtherPool(ctx: OpContext, pool: 'PhoneNumbers' | 'ShortCodes', sid: string): void {
  for (const service of ctx.account.list('/v1/Services')) {
    if (service.data.sid === ctx.params.ServiceSid) continue;
    if (ctx.account.get(`${service.path}/${pool}/${sid}`)) {
      throw proxyError(80601, `${sid} is not available: it is bound to the number pool of Service ${String(service.data.sid)}`);
    }
  }
}

/** Participants of the service's active sessions that hold a proxy identifier, by pool SID. */
function activeHolders(account: RuleAccount, service: string): StoredRecord[] {
  const out: StoredRecord[] = [];
  for (const session of account.list(`${service}/Sessions`)) {
    if (isActive(session)) out.push(...account.list(`${session.path}/Participants`));
  }
  return out;
}

/**
 * How many active sessions of a service hold a number, counted once per change
 * of the tables rather than once per number served (a page of the pool).
 */
function sessionsUsing(account: RuleAccount, service: string, numberSid: string): number {
  const sessions = account.state.proxy.numberUse.get(account.version, service, () => {
    const sessions = new Map<string, Set<unknown>>();
    for (const p of activeHolders(account, service)) {
      const sid = String(p.data.proxy_identifier_sid);
      sessions.set(sid, (sessions.get(sid) ?? new Set()).add(p.data.session_sid));
    }
    return sessions;
  });
  return sessions.get(numberSid)?.size ?? 0;
}

// ---- participants: choosing a proxy identifier ----

interface ParticipantInput {
  identifier: string;
  friendlyName: string | null;
  proxyIdentifier?: string | undefined;
  proxyIdentifierSid?: string | undefined;
}

interface ParticipantPlan {
  identifier: string;
  friendly_name: string | null;
  proxy_identifier: string;
  proxy_identifier_sid: string;
}

interface PoolEntry {
  sid: string;
  value: string;
  reserved: boolean;
  country: string | null;
  shortCode: boolean;
}

function poolOf(account: RuleAccount, service: string, mode: string): PoolEntry[] {
  const numbers = account.list(`${service}/PhoneNumbers`).map((r) => ({
    sid: String(r.data.sid),
    value: String(r.data.phone_number),
    reserved: r.data.is_reserved === true,
    country: (r.data.iso_country as string | null) ?? null,
    shortCode: false,
  }));
  // Short codes carry messages only, so they serve message-only sessions.
  const codes =
    mode === 'message-only'
      ? account.list(`${service}/ShortCodes`).map((r) => ({
          sid: String(r.data.sid),
          value: String(r.data.short_code),
          reserved: r.data.is_reserved === true,
          country: (r.data.iso_country as string | null) ?? null,
          shortCode: true,
        }))
      : [];
  return [...numbers, ...codes];
}

/**
 * Chooses a participant's proxy identifier, or throws Twilio's error. `others`
 * are the session's participants, including ones planned in the same request.
 * Changes nothing.
 */
function planParticipant(
  account: RuleAccount,
  service: StoredRecord,
  session: { sid: string; status: unknown; mode: unknown },
  others: ReadonlyArray<{ identifier?: unknown }>,
  input: ParticipantInput,
): ParticipantPlan {
  const { identifier } = input;
  const mode = String(session.mode);
  if (session.status === 'closed') throw proxyError(80607, `Session ${session.sid} is closed: no participant can be added`);
  if (others.length >= MAX_PARTICIPANTS) throw proxyError(80609, `A Session may have at most ${MAX_PARTICIPANTS} participants`);
  if (identifier.length > MAX_UNIQUE_NAME) throw invalidParameter(`Invalid Identifier: must be at most ${MAX_UNIQUE_NAME} characters`);
  if (others.some((p) => p.identifier === identifier)) throw proxyError(80103, `The identifier ${identifier} is already a participant in the Session`);
  const isPhone = E164.test(identifier);
  if (!isPhone && mode !== 'message-only') {
    throw proxyError(
      80616,
      `Identifier ${identifier} is not a phone number: a ${mode} Session needs E.164 phone numbers; channel identifiers need a message-only Session`,
    );
  }

  const pool = poolOf(account, service.path, mode);
  // The numbers this identifier holds in active sessions, gathered once rather than per pool entry.
  const heldByIdentifier = new Set(
    activeHolders(account, service.path)
      .filter((p) => p.data.identifier === identifier)
      .map((p) => String(p.data.proxy_identifier_sid)),
  );
  const pairInUse = (entry: PoolEntry) => heldByIdentifier.has(entry.sid);
  const plan = (entry: PoolEntry): ParticipantPlan => ({
    identifier,
    friendly_name: input.friendlyName,
    proxy_identifier: entry.value,
    proxy_identifier_sid: entry.sid,
  });

  if (input.proxyIdentifierSid !== undefined || input.proxyIdentifier !== undefined) {
    const bySid = input.proxyIdentifierSid !== undefined ? pool.find((e) => e.sid === input.proxyIdentifierSid) : undefined;
    const byValue = input.proxyIdentifier !== undefined ? pool.find((e) => e.value === input.proxyIdentifier) : undefined;
    if (input.proxyIdentifierSid !== undefined && !bySid) {
      throw proxyError(80601, `Invalid ProxyIdentifierSid: ${input.proxyIdentifierSid} is not in this Service's number pool`);
    }
    if (input.proxyIdentifier !== undefined && !byValue) {
      throw proxyError(80601, `Invalid ProxyIdentifier: ${input.proxyIdentifier} is not in this Service's number pool`);
    }
    if (bySid && byValue && bySid !== byValue) {
      throw invalidParameter(`Invalid ProxyIdentifier: ${input.proxyIdentifier} is not the number of ProxyIdentifierSid ${input.proxyIdentifierSid}`);
    }
    // A reserved number may be used when asked for by name.
    const chosen = (bySid ?? byValue)!;
    if (pairInUse(chosen))
      throw proxyError(80604, `Proxy identifier ${chosen.value} is already in use with identifier ${identifier} in another active Session`);
    return plan(chosen);
  }

  if (pool.length === 0)
    throw proxyError(80205, 'This Service has no compatible Proxy numbers for this Participant. This Service has no Proxy numbers configured.');
  const unreserved = pool.filter((e) => !e.reserved);
  if (unreserved.length === 0) throw proxyError(80207, 'Failed to find a proxy number: the only numbers in the pool are reserved');
  const country = isPhone ? isoCountry(identifier) : null;
  const local = country ? unreserved.filter((e) => e.country === country) : unreserved;
  if (local.length === 0) {
    throw proxyError(80203, `This Service has no available Proxy numbers for the participant's number country code ${country}`);
  }
  const nearby = isPhone ? local.filter((e) => sameArea(service.data.geo_match_level, identifier, e)) : local;
  if (nearby.length === 0) {
    throw proxyError(
      80206,
      `This Service has no compatible Proxy numbers for this Participant. Failed to find a proxy number for ${identifier}. Either you have no numbers meeting your service's GeoMatchLevel (${String(service.data.geo_match_level)}) for the target number, or the numbers you do have are already in use by the participant in other Sessions.`,
    );
  }
  const free = nearby.filter((e) => !pairInUse(e));
  if (free.length === 0) {
    throw proxyError(
      80208,
      `This Service has no compatible Proxy numbers for this Participant. Failed to find a proxy number for ${identifier}. All matching proxies for this Participant are already in use in other Sessions.`,
    );
  }
  // Sticky selection: the numbers this identifier was given before, in any session of the service.
  const usedBefore = new Set<string>();
  for (const s of account.list(`${service.path}/Sessions`)) {
    for (const p of account.list(`${s.path}/Participants`)) if (p.data.identifier === identifier) usedBefore.add(String(p.data.proxy_identifier_sid));
  }
  const sticky = service.data.number_selection_behavior !== 'avoid-sticky';
  const preferred = free.find((e) => usedBefore.has(e.sid) === sticky);
  return plan(preferred ?? free[0]!);
}

/** Reads one item of a session's `Participants`: a JSON object with `Identifier` (and optionally more), in either casing. */
function participantInput(item: unknown, index: number): ParticipantInput {
  const where = `Participants[${index}]`;
  if (!item || typeof item !== 'object' || Array.isArray(item))
    throw invalidParameter(`Invalid body parameter ${where}: expected a JSON object with an Identifier`);
  const o = item as Record<string, unknown>;
  const pick = (...names: string[]) => names.map((n) => o[n]).find((v) => v !== undefined && v !== null);
  const str = (name: string, value: unknown) => {
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') throw invalidParameter(`Invalid body parameter ${where}.${name}: expected a non-empty string`);
    return value;
  };
  const identifier = str('Identifier', pick('Identifier', 'identifier'));
  if (identifier === undefined) throw invalidParameter(`Missing required parameter ${where}.Identifier in the post body`);
  const proxyIdentifierSid = str('ProxyIdentifierSid', pick('ProxyIdentifierSid', 'proxy_identifier_sid', 'proxyIdentifierSid'));
  if (proxyIdentifierSid !== undefined && !/^PN[0-9a-fA-F]{32}$/.test(proxyIdentifierSid)) {
    throw invalidParameter(`Invalid body parameter ${where}.ProxyIdentifierSid: expected a PN SID`);
  }
  return {
    identifier,
    friendlyName: str('FriendlyName', pick('FriendlyName', 'friendly_name', 'friendlyName')) ?? null,
    proxyIdentifier: str('ProxyIdentifier', pick('ProxyIdentifier', 'proxy_identifier', 'proxyIdentifier')),
    proxyIdentifierSid,
  };
}

function participantData(ctx: OpContext, sessionSid: string, plan: ParticipantPlan): Record<string, unknown> {
  return {
    account_sid: ctx.account.accountSid,
    service_sid: ctx.params.ServiceSid,
    session_sid: sessionSid,
    ...plan,
    date_created: ctx.now,
    date_updated: ctx.now,
    date_deleted: null,
  };
}

function checkUniqueName(name: unknown, param = 'UniqueName'): void {
  if (name === undefined || name === null) return;
  if (name === '') throw invalidParameter(`Invalid body parameter ${param}: must not be empty`);
  if (String(name).length > MAX_UNIQUE_NAME) throw invalidParameter(`Invalid body parameter ${param}: must be at most ${MAX_UNIQUE_NAME} characters`);
}

/** The Chat service a Proxy service forwards to must exist in the same account. */
function checkChatInstance(ctx: OpContext, sid: unknown): void {
  if (sid === undefined || sid === null) return;
  if (!ctx.account.get(`/v2/Services/${String(sid)}`)) {
    throw invalidParameter(`Invalid body parameter ChatInstanceSid: Chat Service ${String(sid)} does not exist`);
  }
}

/**
 * Reads Proxy limits to 30 per second per endpoint of a Service instance: those of
 * Services, Sessions, Participants and Interactions (https://www.twilio.com/docs/proxy/proxy-limits).
 * The Services list is the account's, so it counts per account.
 */
const RATED_READS = new Set([
  'ListService',
  'FetchService',
  'ListSession',
  'FetchSession',
  'ListParticipant',
  'FetchParticipant',
  'ListInteraction',
  'FetchInteraction',
  'ListMessageInteraction',
  'FetchMessageInteraction',
]);

function rateScope(ctx: OpContext): RateScope | undefined {
  if (ctx.op.method !== 'GET' || !RATED_READS.has(ctx.op.operationId)) return undefined;
  const service = ctx.op.operationId === 'FetchService' ? ctx.params.Sid : ctx.params.ServiceSid;
  return { kind: 'proxyEndpoint', key: `${service ? `/v1/Services/${service}` : '/v1'} ${ctx.op.operationId}` };
}

export const proxyRules: ProductRules = {
  beforeOperation: (ctx) => closeExpiredSessions(ctx.account, Date.parse(ctx.now)),
  resources: {
    [SERVICE]: {
      altKeys: ['unique_name'],
      unique: [{ field: 'unique_name', code: 80602, message: (v) => `Service UniqueName must be unique: ${String(v)} is taken` }],
      defaults: () => ({
        default_ttl: 0,
        geo_match_level: 'country',
        number_selection_behavior: 'prefer-sticky',
        callback_url: null,
        intercept_callback_url: null,
        out_of_session_callback_url: null,
        chat_instance_sid: null,
      }),
      beforeCreate(ctx, data) {
        checkUniqueName(data.unique_name);
        checkChatInstance(ctx, data.chat_instance_sid);
      },
      beforeUpdate(ctx, _record, changes) {
        if (ctx.given.has('UniqueName')) checkUniqueName(changes.unique_name);
        if (ctx.given.has('ChatInstanceSid')) checkChatInstance(ctx, changes.chat_instance_sid);
      },
    },

    [PHONE_NUMBER]: {
      unique: [
        { field: 'sid', code: 80104, message: (v) => `PhoneNumber ${String(v)} has already been added to Service` },
        { field: 'phone_number', code: 80104, message: (v) => `PhoneNumber ${String(v)} has already been added to Service` },
      ],
      defaults(ctx) {
        const { sid, phone_number } = identifyPhoneNumber(ctx);
        return {
          sid,
          phone_number,
          friendly_name: friendlyName(phone_number),
          iso_country: isoCountry(phone_number) ?? 'US',
          capabilities: { ...PHONE_CAPABILITIES },
          is_reserved: false,
        };
      },
      beforeCreate(ctx, data) {
        checkNotInOtherPool(ctx, 'PhoneNumbers', String(data.sid));
      },
      afterCreate(ctx, record) {
        const book = ctx.account.state.proxy.numbers;
        book.bySid.set(String(record.data.sid), String(record.data.phone_number));
        book.byValue.set(String(record.data.phone_number), String(record.data.sid));
      },
      computed: (account, record) => ({ in_use: sessionsUsing(account, record.collection.replace(/\/PhoneNumbers$/, ''), String(record.data.sid)) }),
    },

    [SHORT_CODE]: {
      unique: [{ field: 'sid', code: 80104, message: (v) => `ShortCode ${String(v)} has already been added to Service` }],
      defaults(ctx) {
        const sid = String(ctx.inputs.Sid);
        const book = ctx.account.state.proxy.numbers;
        return {
          short_code: book.bySid.get(sid) ?? synthesiseShortCode(book, sid),
          iso_country: 'US',
          capabilities: { ...SHORT_CODE_CAPABILITIES },
          is_reserved: false,
        };
      },
      beforeCreate(ctx, data) {
        checkNotInOtherPool(ctx, 'ShortCodes', String(data.sid));
      },
      afterCreate(ctx, record) {
        const book = ctx.account.state.proxy.numbers;
        book.bySid.set(String(record.data.sid), String(record.data.short_code));
        book.byValue.set(String(record.data.short_code), String(record.data.sid));
      },
    },

    [SESSION]: {
      altKeys: ['unique_name'],
      unique: [{ field: 'unique_name', code: 80603, message: (v) => `Session UniqueName must be unique: ${String(v)} is taken` }],
      inputFields: { Participants: null },
      defaults(ctx) {
        const service = ctx.account.get(servicePath(ctx))!;
        return {
          status: 'open',
          mode: 'voice-and-message',
          ttl: service.data.default_ttl ?? 0,
          unique_name: null,
          date_started: ctx.now,
          date_ended: null,
          date_expiry: null,
          date_last_interaction: null,
          closed_reason: null,
        };
      },
      beforeCreate(ctx, data) {
        checkUniqueName(data.unique_name);
        if (data.status === 'closed') data.date_ended = ctx.now;
        // The TTL runs from the create (and from each re-open and interaction).
        data._ttl_from = ctx.now;
        const items = (ctx.inputs.Participants as unknown[] | undefined) ?? [];
        if (items.length > MAX_PARTICIPANTS) throw proxyError(80609, `A Session may have at most ${MAX_PARTICIPANTS} participants`);
        // Every participant is placed before anything is stored, so a refusal leaves no half-made session.
        const service = ctx.account.get(servicePath(ctx))!;
        const plans: ParticipantPlan[] = [];
        items.forEach((item, i) => {
          plans.push(planParticipant(ctx.account, service, { sid: String(data.sid), status: data.status, mode: data.mode }, plans, participantInput(item, i)));
        });
        // The planned participants are inserted once the session exists.
        return (record) => {
          for (const plan of plans) {
            const sid = ctx.engine.newSid('KP');
            ctx.account.insert(`${record.path}/Participants`, sid, { ...participantData(ctx, String(record.data.sid), plan), sid });
          }
        };
      },
      /**
       * The status changes Twilio allows: open or in-progress to closed, and
       * closed to in-progress (re-open); any other is 80608
       * (https://www.twilio.com/docs/api/errors/80608). A closed session takes
       * no other update, 80607 (https://www.twilio.com/docs/api/errors/80607).
       */
      beforeUpdate(ctx, record, changes) {
        const from = record.data.status;
        const to = ctx.given.has('Status') ? changes.status : undefined;
        if (from === 'closed' && to !== 'in-progress') throw proxyError(80607, 'Session is closed and cannot be updated');
        if (to === undefined) return;
        if (to === 'closed' && (from === 'open' || from === 'in-progress')) {
          changes.date_ended = ctx.now;
        } else if (to === 'in-progress' && from === 'closed') {
          // Re-opening must not give an (identifier, proxy identifier) pair to two active sessions
          // (https://www.twilio.com/docs/api/errors/80604).
          const holders = activeHolders(ctx.account, record.path.replace(/\/Sessions\/[^/]+$/, ''));
          for (const p of ctx.account.list(`${record.path}/Participants`)) {
            if (holders.some((h) => h.data.identifier === p.data.identifier && h.data.proxy_identifier_sid === p.data.proxy_identifier_sid)) {
              throw proxyError(
                80604,
                `Invalid attempt to re-open Session: ${String(p.data.identifier)} already uses ${String(p.data.proxy_identifier)} in another active Session`,
              );
            }
          }
          changes.date_ended = null;
          changes.closed_reason = null;
          // A re-opened session's TTL runs afresh; a DateExpiry already past closes it again.
          changes._ttl_from = ctx.now;
        } else {
          throw proxyError(
            80608,
            `Session status change not supported: ${String(from)} to ${String(to)}. To re-open a Session update it from closed to in-progress; to close it, from open or in-progress to closed`,
          );
        }
      },
    },

    [PARTICIPANT]: {
      defaults: () => ({ friendly_name: null, date_deleted: null }),
      beforeCreate(ctx, data) {
        const session = ctx.account.get(sessionPath(ctx))!;
        const service = ctx.account.get(servicePath(ctx))!;
        const others = ctx.account.list(`${session.path}/Participants`).map((p) => p.data);
        const plan = planParticipant(ctx.account, service, { sid: String(session.data.sid), status: session.data.status, mode: session.data.mode }, others, {
          identifier: String(data.identifier),
          friendlyName: (data.friendly_name as string | null) ?? null,
          proxyIdentifier: ctx.inputs.ProxyIdentifier as string | undefined,
          proxyIdentifierSid: ctx.inputs.ProxyIdentifierSid as string | undefined,
        });
        Object.assign(data, plan);
      },
    },

    [MESSAGE_INTERACTION]: {
      inputFields: { Body: null, MediaUrl: null },
      defaults: (ctx) => ({
        type: 'message',
        data: null,
        inbound_participant_sid: null,
        inbound_resource_sid: null,
        inbound_resource_status: null,
        inbound_resource_type: null,
        inbound_resource_url: null,
        outbound_participant_sid: ctx.params.ParticipantSid,
        outbound_resource_type: 'Message',
        outbound_resource_status: 'sent',
      }),
      beforeCreate(ctx, data) {
        const session = ctx.account.get(sessionPath(ctx))!;
        if (session.data.status === 'closed') throw proxyError(80607, `Session ${String(session.data.sid)} is closed: no message can be sent`);
        const body = ctx.inputs.Body as string | undefined;
        if (body === undefined || body === '') throw invalidParameter('Missing required parameter Body in the post body');
        data.data = JSON.stringify({ body });
        const messageSid = ctx.engine.newSid('SM');
        data.outbound_resource_sid = messageSid;
        data.outbound_resource_url = `https://api.twilio.com/2010-04-01/Accounts/${ctx.account.accountSid}/Messages/${messageSid}.json`;
      },
      afterCreate(ctx, record) {
        // A message interaction is an interaction of the session, under the same KI SID.
        const session = ctx.account.get(sessionPath(ctx))!;
        const { participant_sid: _participant, ...interaction } = record.data;
        ctx.account.insert(`${session.path}/Interactions`, String(record.data.sid), { ...interaction });
        const status = session.data.status === 'open' ? 'in-progress' : session.data.status;
        ctx.account.update(session, { date_last_interaction: ctx.now, date_updated: ctx.now, status });
      },
    },

    [INTERACTION]: {
      afterDelete(ctx, record) {
        const participant = record.data.outbound_participant_sid;
        if (participant) ctx.account.remove(`${sessionPath(ctx)}/Participants/${String(participant)}/MessageInteractions/${String(record.data.sid)}`);
      },
    },
  },
  rateScope,
};
