/**
 * Accounts v1 in the emulator over real HTTP: AWS and public-key credentials,
 * the SafeList, secondary auth tokens and their promotion, bulk consents and
 * contacts, and Twilio's errors.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/server.ts';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { loadSpecModel } from '../../src/emulator/spec-model.ts';
import { basicAuth, created, twilioFetch, type Form } from './helpers.ts';
import { expectTwilioError } from '../support/assertions.ts';

let emu: Emulator;
const model = loadSpecModel();
const propertiesOf = (schema: string) => Object.keys(model.resources.get(`accounts.${schema}`)!.properties).sort();

beforeAll(async () => {
  emu = await createEmulator({ port: 0 });
});
afterAll(() => emu?.close());
beforeEach(() => emu.reset('none'));
afterEach(() => vi.useRealTimers());

const call = (method: string, path: string, form?: Form, auth?: string) => twilioFetch(emu, method, path, form, auth ? { auth } : {});

const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const AWS = `AKIAIOSFODNN7EXAMPLE:${AWS_SECRET}`;
const RSA_PEM = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
}).publicKey;
const EC_PEM = generateKeyPairSync('ec', {
  namedCurve: 'P-256',
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
}).publicKey;

describe.each([
  ['AWS', '/v1/Credentials/AWS', 'accounts.v1.credential.credential_aws', { Credentials: AWS }, AWS_SECRET],
  ['public key', '/v1/Credentials/PublicKeys', 'accounts.v1.credential.credential_public_key', { PublicKey: RSA_PEM }, RSA_PEM.split('\n')[1]!],
] as const)('%s credentials', (_name, base, schema, secret, secretText) => {
  it('creates a credential with every property, and never returns the secret', async () => {
    const cred = await created(emu, base, { ...secret, FriendlyName: 'prod' });
    expect(Object.keys(cred).sort()).toEqual(propertiesOf(schema));
    expect(cred).toMatchObject({ account_sid: DEMO_ACCOUNT.accountSid, friendly_name: 'prod', url: `${emu.url}${base}/${cred.sid}` });
    expect(cred.sid).toMatch(/^CR[0-9a-f]{32}$/);
    expect(cred.date_created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const everything = JSON.stringify([cred, (await call('GET', base)).body, (await call('GET', `${base}/${cred.sid}`)).body]);
    expect(everything).not.toContain(secretText);
    expect(JSON.stringify([...emu.engine.account(DEMO_ACCOUNT.accountSid).records.values()].map((r) => r.data))).not.toContain(secretText);
  });

  it('lists, fetches, updates the friendly name and deletes', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-05-01T12:00:00Z'));
    const one = await created(emu, base, { ...secret });
    const two = await created(emu, base, { ...secret, FriendlyName: 'two', AccountSid: DEMO_ACCOUNT.accountSid });
    expect(one.friendly_name).toBeNull();
    const list = await call('GET', base);
    expect(list.body.credentials.map((c: any) => c.sid)).toEqual([one.sid, two.sid]);
    expect(list.body.meta.key).toBe('credentials');
    expect((await call('GET', `${base}/${two.sid}`)).body).toEqual(two);
    vi.setSystemTime(new Date('2026-05-01T12:30:00Z'));
    const updated = await call('POST', `${base}/${two.sid}`, { FriendlyName: 'renamed' });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ ...two, friendly_name: 'renamed', date_updated: '2026-05-01T12:30:00Z' });
    const del = await call('DELETE', `${base}/${one.sid}`);
    expect(del.status).toBe(204);
    expect(del.body).toBeNull();
    expectTwilioError(await call('GET', `${base}/${one.sid}`), 404, 20404);
    expectTwilioError(await call('DELETE', `${base}/${one.sid}`), 404, 20404);
  });

  it('names the parameter of a missing or invalid input', async () => {
    const secretName = Object.keys(secret)[0]!;
    expectTwilioError(await call('POST', base, { FriendlyName: 'x' }), 400, 20001, secretName);
    expectTwilioError(await call('POST', base, { ...secret, FriendlyName: 'x'.repeat(65) }), 400, 20001, 'FriendlyName');
    expectTwilioError(await call('POST', base, { ...secret, AccountSid: 'AC123' }), 400, 20001, 'AccountSid');
    expectTwilioError(await call('POST', base, { ...secret, AccountSid: `AC${'f'.repeat(32)}` }), 400, 20001, 'AccountSid');
    const cred = await created(emu, base, { ...secret });
    expectTwilioError(await call('POST', `${base}/${cred.sid}`, { FriendlyName: 'y'.repeat(65) }), 400, 20001, 'FriendlyName');
    expectTwilioError(await call('GET', `${base}/CR123`), 404, 20404);
    expect((await call('GET', base)).body.credentials).toHaveLength(1);
  });

  it('answers 401 for bad credentials', async () => {
    expectTwilioError(await call('GET', base, undefined, basicAuth(DEMO_ACCOUNT.accountSid, 'bad')), 401, 20003);
  });
});

describe('credential secrets', () => {
  it.each(['AKIAIOSFODNN7EXAMPLE', ':secret', 'akia:short', 'AKIAIOSFODNN7EXAMPLE:'])('refuses AWS Credentials %j', async (value) => {
    expectTwilioError(await call('POST', '/v1/Credentials/AWS', { Credentials: value }), 400, 20001, 'Credentials');
  });

  it.each([
    ['no PEM block', 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'],
    ['a PEM block without a key', '-----BEGIN PUBLIC KEY-----MIIBIjANB.pa9xQIDAQAB-----END PUBLIC KEY-----'],
    ['a certificate', RSA_PEM.replace(/PUBLIC KEY/g, 'CERTIFICATE')],
    ['a truncated key', RSA_PEM.slice(0, 120) + '\n-----END PUBLIC KEY-----'],
    ['an EC key', EC_PEM],
  ])('refuses a PublicKey that is %s', async (_, value) => {
    expectTwilioError(await call('POST', '/v1/Credentials/PublicKeys', { PublicKey: value }), 400, 20001, 'PublicKey');
    expect((await call('GET', '/v1/Credentials/PublicKeys')).body.credentials).toEqual([]);
  });

  it('accepts a PEM public key on one line', async () => {
    const oneLine = RSA_PEM.replace(/\n/g, '');
    expect((await call('POST', '/v1/Credentials/PublicKeys', { PublicKey: oneLine })).status).toBe(201);
  });
});

describe('SafeList', () => {
  it('adds, checks and removes a number', async () => {
    const added = await created(emu, '/v1/SafeList/Numbers', { PhoneNumber: '+18001234567' });
    expect(Object.keys(added).sort()).toEqual(propertiesOf('accounts.v1.safelist'));
    expect(added.phone_number).toBe('+18001234567');
    expect(added.sid).toMatch(/^GN[0-9a-f]{32}$/);
    const found = await call('GET', `/v1/SafeList/Numbers?PhoneNumber=${encodeURIComponent('+18001234567')}`);
    expect(found.status).toBe(200);
    expect(found.body).toEqual(added);
    const del = await call('DELETE', `/v1/SafeList/Numbers?PhoneNumber=${encodeURIComponent('+18001234567')}`);
    expect(del.status).toBe(204);
    expect(del.body).toBeNull();
    expectTwilioError(await call('GET', `/v1/SafeList/Numbers?PhoneNumber=${encodeURIComponent('+18001234567')}`), 404, 20404, '+18001234567');
    expectTwilioError(await call('DELETE', `/v1/SafeList/Numbers?PhoneNumber=${encodeURIComponent('+18001234567')}`), 404, 20404);
  });

  it('refuses a number already on the list with 60411', async () => {
    await created(emu, '/v1/SafeList/Numbers', { PhoneNumber: '+18001234567' });
    expectTwilioError(await call('POST', '/v1/SafeList/Numbers', { PhoneNumber: '+18001234567' }), 400, 60411);
  });

  it('needs an E.164 PhoneNumber everywhere', async () => {
    expectTwilioError(await call('POST', '/v1/SafeList/Numbers', {}), 400, 20001, 'PhoneNumber');
    expectTwilioError(await call('POST', '/v1/SafeList/Numbers', { PhoneNumber: '8001234567' }), 400, 20001, 'PhoneNumber');
    expectTwilioError(await call('POST', '/v1/SafeList/Numbers', { PhoneNumber: '+19' }), 400, 20001, 'PhoneNumber');
    expectTwilioError(await call('GET', '/v1/SafeList/Numbers'), 400, 20001, 'PhoneNumber');
    expectTwilioError(await call('GET', '/v1/SafeList/Numbers?PhoneNumber=abc'), 400, 20001, 'PhoneNumber');
    expectTwilioError(await call('DELETE', '/v1/SafeList/Numbers'), 400, 20001, 'PhoneNumber');
  });

  it('keeps each account to its own list', async () => {
    const other = { accountSid: 'AC00000000000000000000000000000002', authToken: 'other-token' };
    const two = await createEmulator({ port: 0, accounts: [{ accountSid: DEMO_ACCOUNT.accountSid, authToken: DEMO_ACCOUNT.authToken }, other] });
    try {
      expect((await twilioFetch(two, 'POST', '/v1/SafeList/Numbers', { PhoneNumber: '+18001234567' })).status).toBe(201);
      const res = await twilioFetch(two, 'GET', `/v1/SafeList/Numbers?PhoneNumber=${encodeURIComponent('+18001234567')}`, undefined, {
        auth: basicAuth(other.accountSid, other.authToken),
      });
      expect(res.status).toBe(404);
    } finally {
      await two.close();
    }
  });
});

describe('auth tokens', () => {
  const as = (token: string) => basicAuth(DEMO_ACCOUNT.accountSid, token);
  const works = async (token: string) => (await call('GET', '/v1/Credentials/AWS', undefined, as(token))).status === 200;

  it('creates a secondary token that authenticates beside the primary', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-06-01T00:00:00Z'));
    const res = await created(emu, '/v1/AuthTokens/Secondary', {});
    expect(Object.keys(res).sort()).toEqual(propertiesOf('accounts.v1.secondary_auth_token'));
    expect(res).toMatchObject({
      account_sid: DEMO_ACCOUNT.accountSid,
      date_created: '2026-06-01T00:00:00Z',
      date_updated: '2026-06-01T00:00:00Z',
      url: `${emu.url}/v1/AuthTokens/Secondary`,
    });
    expect(res.secondary_auth_token).toMatch(/^[0-9a-f]{32}$/);
    expect(await works(res.secondary_auth_token)).toBe(true);
    expect(await works(DEMO_ACCOUNT.authToken)).toBe(true);
  });

  it('replaces the secondary token on a second create', async () => {
    const first = (await created(emu, '/v1/AuthTokens/Secondary', {})).secondary_auth_token;
    const second = (await created(emu, '/v1/AuthTokens/Secondary', {})).secondary_auth_token;
    expect(second).not.toBe(first);
    expect(await works(first)).toBe(false);
    expect(await works(second)).toBe(true);
  });

  it('deletes the secondary token, and answers 404 when there is none', async () => {
    expectTwilioError(await call('DELETE', '/v1/AuthTokens/Secondary'), 404, 20404);
    const token = (await created(emu, '/v1/AuthTokens/Secondary', {})).secondary_auth_token;
    const del = await call('DELETE', '/v1/AuthTokens/Secondary');
    expect(del.status).toBe(204);
    expect(del.body).toBeNull();
    expect(await works(token)).toBe(false);
    expect(await works(DEMO_ACCOUNT.authToken)).toBe(true);
    expectTwilioError(await call('DELETE', '/v1/AuthTokens/Secondary'), 404, 20404);
  });

  it('promotes the secondary token to primary; the old primary stops working', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-06-01T00:00:00Z'));
    const token = (await created(emu, '/v1/AuthTokens/Secondary', {})).secondary_auth_token;
    vi.setSystemTime(new Date('2026-06-02T00:00:00Z'));
    const res = await call('POST', '/v1/AuthTokens/Promote', undefined, as(token));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(propertiesOf('accounts.v1.auth_token_promotion'));
    expect(res.body).toEqual({
      account_sid: DEMO_ACCOUNT.accountSid,
      auth_token: token,
      date_created: '2026-06-01T00:00:00Z',
      date_updated: '2026-06-02T00:00:00Z',
      url: `${emu.url}/v1/AuthTokens/Promote`,
    });
    expect(await works(token)).toBe(true);
    const old = await call('GET', '/v1/Credentials/AWS', undefined, as(DEMO_ACCOUNT.authToken));
    expectTwilioError(old, 401, 20003);
    // The promoted token is no longer a secondary one.
    expectTwilioError(await call('DELETE', '/v1/AuthTokens/Secondary', undefined, as(token)), 404, 20404);
    // API keys are untouched.
    expect((await call('GET', '/v1/Credentials/AWS', undefined, basicAuth(DEMO_ACCOUNT.apiKey, DEMO_ACCOUNT.apiSecret))).status).toBe(200);
    // A reset restores the configured credentials.
    emu.reset('none');
    expect(await works(DEMO_ACCOUNT.authToken)).toBe(true);
    expect(await works(token)).toBe(false);
  });

  it('refuses to promote when there is no secondary token', async () => {
    expectTwilioError(await call('POST', '/v1/AuthTokens/Promote'), 400, 20001, 'secondary');
    expect(await works(DEMO_ACCOUNT.authToken)).toBe(true);
  });

  it('answers 401 to an unknown token', async () => {
    expectTwilioError(await call('POST', '/v1/AuthTokens/Secondary', {}, as('guess')), 401, 20003);
  });
});

describe.each([
  [
    'consents',
    '/v1/Consents/Bulk',
    30646,
    { contact_id: '+15555550100', sender_id: 'MG' + '0'.repeat(32), status: 'opt-in', source: 'website', date_of_consent: '2025-02-28T10:05:27Z' },
    [
      [{ contact_id: '+19' }, ['INVALID_CONTACT_ID']],
      [{ sender_id: 'someone' }, ['INVALID_SENDER_ID']],
      [{ status: 'maybe' }, ['INVALID_STATUS']],
      [{ source: 'rumour' }, ['INVALID_SOURCE']],
      [{ date_of_consent: '2025-03-25' }, ['INVALID_DATE_OF_CONSENT']],
      [{ contact_id: 15555550100, status: undefined }, ['INVALID_CONTACT_ID', 'INVALID_STATUS']],
    ],
  ],
  [
    'contacts',
    '/v1/Contacts/Bulk',
    30647,
    { contact_id: '+15555550100', country_iso_code: 'US', zip_code: '94105' },
    [
      [{ contact_id: '+19' }, ['INVALID_CONTACT_ID']],
      [{ country_iso_code: 'usa' }, ['INVALID_COUNTRY_ISO_CODE']],
      [{ zip_code: '' }, ['INVALID_ZIP_CODE']],
    ],
  ],
] as const)('bulk %s', (_name, path, errorCode, valid, invalid) => {
  const id = (n: number) => n.toString(16).padStart(32, 'a');
  const item = (n: number, changes: object = {}) => JSON.stringify({ ...valid, correlation_id: id(n), ...changes });

  it('answers 201 with one result per correlation_id, in order', async () => {
    const items = [item(0), ...invalid.map(([changes], i) => item(i + 1, changes))];
    const res = await created(emu, path, { Items: items });
    expect(Object.keys(res)).toEqual(['items']);
    expect(res.items).toEqual([
      { correlation_id: id(0), error_code: 0, error_messages: [] },
      ...invalid.map(([, messages], i) => ({ correlation_id: id(i + 1), error_code: errorCode, error_messages: messages })),
    ]);
  });

  it('refuses a request it cannot answer per item', async () => {
    expectTwilioError(await call('POST', path, {}), 400, 20001, 'Items');
    expectTwilioError(await call('POST', path, { Items: ['not json'] }), 400, 20001, 'Items');
    expectTwilioError(await call('POST', path, { Items: ['[1,2]'] }), 400, 20001, 'Items[0]');
    expectTwilioError(await call('POST', path, { Items: [JSON.stringify(valid)] }), 400, 20001, 'correlation_id');
    expectTwilioError(await call('POST', path, { Items: [item(1), item(1)] }), 400, 20001, 'correlation_id');
    const many = Array.from({ length: 26 }, (_, i) => item(i));
    expectTwilioError(await call('POST', path, { Items: many }), 400, 20001, '25');
    expect((await call('POST', path, { Items: many.slice(0, 25) })).status).toBe(201);
  });
});
