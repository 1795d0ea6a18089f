/**
 * The Accounts graph end to end: AWS and public key credentials, the SafeList,
 * bulk consents and contacts, and the account's auth tokens, over HTTP with
 * the emulator counting every REST call. Secrets sent (an AWS secret access
 * key) or returned once (auth tokens) must never show up again: not in a
 * later answer, an error, or a line the gateway logs. Auth token promotion
 * changes the credentials the emulator accepts, so the token tests run
 * against their own gateway and emulator.
 */
import { format } from 'node:util';
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { expectBadInput, ok, refetch } from '../support/assertions.ts';
import { twilioFetch } from '../emulator/helpers.ts';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { createGateway, type Gateway } from '../../src/gateway.ts';

let env: GatewayEnv;

beforeAll(async () => {
  env = await startGateway({ transport: { timeoutMs: 500, retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 50 } } });
});
afterAll(() => env?.close());
beforeEach(() => {
  env.emulator.clearFaults();
  env.resetCalls();
});

const rest = (path: string) => twilioFetch(env.emulator, 'GET', path).then((r) => r.body);
const MISSING = '0'.repeat(32);
const OTHER_ACCOUNT = `AC${'f'.repeat(32)}`;

function rsaPublicKey(): string {
  return generateKeyPairSync('rsa', {
    modulusLength: 1024,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  }).publicKey;
}

const AWS_FIELDS = 'id sid accountSid friendlyName dateCreated dateUpdated url';
const CREATE_AWS = /* GraphQL */ `
  mutation($input: CreateAwsCredentialInput!) {
    createAwsCredential(input: $input) { awsCredential { id sid friendlyName } userErrors { field message code twilioCode } }
  }`;

describe('AwsCredential', () => {
  it("lists the account's AWS credentials with every field in one REST call", async () => {
    const wire = (await rest('/v1/Credentials/AWS?PageSize=1000')).credentials;
    env.resetCalls();
    const data = await ok(env, `{ awsCredentials { nodes { ${AWS_FIELDS} } pageInfo { hasNextPage } } }`);
    expect(data.awsCredentials.pageInfo.hasNextPage).toBe(false);
    expect(data.awsCredentials.nodes.map((c: any) => c.friendlyName)).toEqual([
      'Event Streams Kinesis role',
      'Call recordings bucket (S3)',
      'Staging (read-only)',
    ]);
    data.awsCredentials.nodes.forEach((c: any, i: number) => {
      expect(c).toEqual({
        id: expect.any(String),
        sid: wire[i].sid,
        accountSid: DEMO_ACCOUNT.accountSid,
        friendlyName: wire[i].friendly_name,
        dateCreated: new Date(wire[i].date_created).toISOString(),
        dateUpdated: new Date(wire[i].date_updated).toISOString(),
        url: wire[i].url,
      });
    });
    expect(env.calls()).toEqual({ 'accounts.ListCredentialAws': 1 });
  });

  it('looks a credential up by SID and by node ID, fetching it once per request', async () => {
    const [first] = (await rest('/v1/Credentials/AWS?PageSize=1')).credentials;
    env.resetCalls();
    const data = await ok(env, `query($sid: String!) { a: awsCredential(sid: $sid) { id friendlyName } b: awsCredential(sid: $sid) { sid } }`, {
      sid: first.sid,
    });
    expect(data.a.friendlyName).toBe(first.friendly_name);
    expect(data.b.sid).toBe(first.sid);
    expect(env.calls()).toEqual({ 'accounts.FetchCredentialAws': 1 });
    expect(await refetch(env, data.a.id, '... on AwsCredential { sid friendlyName }')).toMatchObject({ __typename: 'AwsCredential', sid: first.sid });
    expect(env.calls()).toEqual({ 'accounts.FetchCredentialAws': 2 });

    const none = await ok(env, `{ awsCredential(sid: "CR${MISSING}") { sid } }`);
    expect(none.awsCredential).toBeNull();
  });

  it('offers no field for the secret', async () => {
    const data = await ok(env, `{ __type(name: "AwsCredential") { fields { name } } }`);
    expect(data.__type.fields.map((f: any) => f.name).sort()).toEqual(['accountSid', 'dateCreated', 'dateUpdated', 'friendlyName', 'id', 'sid', 'url']);
  });

  it('creates, renames and deletes a credential, one REST call each, without ever returning its secret', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiTOPSECRET01';
    const created = await ok(env, CREATE_AWS, { input: { credentials: `AKIATESTCREATE000001:${secret}`, friendlyName: 'Test bucket' } });
    const credential = created.createAwsCredential.awsCredential;
    expect(created.createAwsCredential.userErrors).toEqual([]);
    expect(credential).toMatchObject({ sid: expect.stringMatching(/^CR[0-9a-f]{32}$/), friendlyName: 'Test bucket' });
    expect(env.calls()).toEqual({ 'accounts.CreateCredentialAws': 1 });

    env.resetCalls();
    const renamed = await ok(
      env,
      `mutation($sid: String!) { updateAwsCredential(input: { sid: $sid, friendlyName: "Renamed bucket" }) { awsCredential { id friendlyName } userErrors { message } } }`,
      { sid: credential.sid },
    );
    expect(renamed.updateAwsCredential).toEqual({ awsCredential: { id: credential.id, friendlyName: 'Renamed bucket' }, userErrors: [] });
    expect(env.calls()).toEqual({ 'accounts.UpdateCredentialAws': 1 });

    env.resetCalls();
    const deleted = await ok(env, `mutation($sid: String!) { deleteAwsCredential(input: { sid: $sid }) { deletedId userErrors { message } } }`, {
      sid: credential.sid,
    });
    expect(deleted.deleteAwsCredential).toEqual({ deletedId: credential.id, userErrors: [] });
    expect(env.calls()).toEqual({ 'accounts.DeleteCredentialAws': 1 });
    expect((await ok(env, `query($sid: String!) { awsCredential(sid: $sid) { sid } }`, { sid: credential.sid })).awsCredential).toBeNull();
    for (const answer of [created, renamed, deleted]) expect(JSON.stringify(answer)).not.toContain('TOPSECRET');
  });

  it("puts Twilio's refusals in userErrors, naming the field", async () => {
    const foreign = await ok(env, CREATE_AWS, { input: { credentials: 'AKIATESTREFUSED00001:wJalrXUtnFEMI/K7MDENG/TOPSECRET', accountSid: OTHER_ACCOUNT } });
    expect(foreign.createAwsCredential).toEqual({
      awsCredential: null,
      userErrors: [{ field: ['input', 'accountSid'], message: expect.stringContaining('subaccount'), code: 'INVALID_INPUT', twilioCode: 20001 }],
    });
    expect(JSON.stringify(foreign)).not.toContain('TOPSECRET');

    const [first] = (await rest('/v1/Credentials/AWS?PageSize=1')).credentials;
    const long = await ok(
      env,
      `mutation($sid: String!, $name: String!) { updateAwsCredential(input: { sid: $sid, friendlyName: $name }) { awsCredential { sid } userErrors { field code } } }`,
      {
        sid: first.sid,
        name: 'x'.repeat(65),
      },
    );
    expect(long.updateAwsCredential).toEqual({ awsCredential: null, userErrors: [{ field: ['input', 'friendlyName'], code: 'INVALID_INPUT' }] });

    const update = await ok(
      env,
      `mutation { updateAwsCredential(input: { sid: "CR${MISSING}", friendlyName: "x" }) { awsCredential { sid } userErrors { code twilioCode } } }`,
    );
    expect(update.updateAwsCredential).toEqual({ awsCredential: null, userErrors: [{ code: 'NOT_FOUND', twilioCode: 20404 }] });
    const del = await ok(env, `mutation { deleteAwsCredential(input: { sid: "CR${MISSING}" }) { deletedId userErrors { code } } }`);
    expect(del.deleteAwsCredential).toEqual({ deletedId: null, userErrors: [{ code: 'NOT_FOUND' }] });
  });

  it.each([
    ['a malformed SID', `{ awsCredential(sid: "CR123") { sid } }`, 'sid'],
    ['first over the page size Twilio allows', `{ awsCredentials(first: 1001) { nodes { sid } } }`, 'first'],
    [
      'credentials without a colon',
      `mutation { createAwsCredential(input: { credentials: "AKIA-TOPSECRET" }) { awsCredential { sid } } }`,
      'input.credentials',
    ],
    [
      'credentials with an empty secret',
      `mutation { createAwsCredential(input: { credentials: "AKIATOPSECRET:" }) { awsCredential { sid } } }`,
      'input.credentials',
    ],
    [
      'a malformed subaccount SID',
      `mutation { createAwsCredential(input: { credentials: "AKIA:TOPSECRET", accountSid: "AC1" }) { awsCredential { sid } } }`,
      'input.accountSid',
    ],
    ['a malformed SID to update', `mutation { updateAwsCredential(input: { sid: "nope", friendlyName: "x" }) { awsCredential { sid } } }`, 'input.sid'],
    ['a malformed SID to delete', `mutation { deleteAwsCredential(input: { sid: "nope" }) { deletedId } }`, 'input.sid'],
  ])('refuses %s before any REST call, without repeating a secret', async (_, query, field) => {
    const res = await env.query(query);
    expectBadInput(res, field, env);
    expect(JSON.stringify(res)).not.toContain('TOPSECRET');
  });

  it('pages through every credential with first and after, one REST call per page', async () => {
    for (let i = 0; i < 7; i++) {
      const res = await ok(env, CREATE_AWS, {
        input: { credentials: `AKIATESTPAGING00000${i}:wJalrXUtnFEMI/K7MDENG/bPxRfiCYPAGE0${i}`, friendlyName: `Paging ${i}` },
      });
      expect(res.createAwsCredential.userErrors).toEqual([]);
    }
    const all = (await rest('/v1/Credentials/AWS?PageSize=1000')).credentials.map((c: any) => c.sid);
    expect(all).toHaveLength(10);
    env.resetCalls();

    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const data = await ok(env, `query($after: String) { awsCredentials(first: 3, after: $after) { nodes { sid } pageInfo { hasNextPage endCursor } } }`, {
        after,
      });
      const { nodes, pageInfo } = data.awsCredentials;
      seen.push(...nodes.map((n: any) => n.sid));
      pages++;
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
    expect(pages).toBe(4);
    expect(env.calls()).toEqual({ 'accounts.ListCredentialAws': 4 });
  });
});

describe('PublicKeyCredential', () => {
  const CREATE = /* GraphQL */ `
    mutation($input: CreatePublicKeyCredentialInput!) {
      createPublicKeyCredential(input: $input) { publicKeyCredential { id sid friendlyName accountSid } userErrors { field message code twilioCode } }
    }`;

  it('lists the public keys in pages, refetches one by SID and by node ID', async () => {
    const first = await ok(
      env,
      `{ publicKeyCredentials(first: 2) { nodes { id sid friendlyName accountSid dateCreated url } pageInfo { hasNextPage endCursor } } }`,
    );
    const page = first.publicKeyCredentials;
    expect(page.nodes.map((k: any) => k.friendlyName)).toEqual(['Payments service', 'Mobile backend']);
    expect(page.nodes[0]).toMatchObject({ accountSid: DEMO_ACCOUNT.accountSid, url: expect.stringMatching(/\/v1\/Credentials\/PublicKeys\/CR[0-9a-f]{32}$/) });
    expect(page.pageInfo.hasNextPage).toBe(true);
    const second = await ok(
      env,
      `query($after: String!) { publicKeyCredentials(first: 2, after: $after) { nodes { friendlyName } pageInfo { hasNextPage } } }`,
      {
        after: page.pageInfo.endCursor,
      },
    );
    expect(second.publicKeyCredentials).toEqual({ nodes: [{ friendlyName: 'CI deploy bot' }], pageInfo: { hasNextPage: false } });
    expect(env.calls()).toEqual({ 'accounts.ListCredentialPublicKey': 2 });

    env.resetCalls();
    const [payments] = page.nodes;
    const one = await ok(env, `query($sid: String!) { publicKeyCredential(sid: $sid) { id friendlyName } }`, { sid: payments.sid });
    expect(one.publicKeyCredential).toEqual({ id: payments.id, friendlyName: 'Payments service' });
    expect((await refetch(env, payments.id, '... on PublicKeyCredential { sid }')).sid).toBe(payments.sid);
    expect(env.calls()).toEqual({ 'accounts.FetchCredentialPublicKey': 2 });
    expect((await ok(env, `{ publicKeyCredential(sid: "CR${MISSING}") { sid } }`)).publicKeyCredential).toBeNull();
  });

  it('adds, renames and deletes a public key, one REST call each', async () => {
    const created = await ok(env, CREATE, { input: { publicKey: rsaPublicKey(), friendlyName: 'Test signer' } });
    const key = created.createPublicKeyCredential.publicKeyCredential;
    expect(created.createPublicKeyCredential.userErrors).toEqual([]);
    expect(key).toMatchObject({ sid: expect.stringMatching(/^CR/), friendlyName: 'Test signer', accountSid: DEMO_ACCOUNT.accountSid });

    const renamed = await ok(
      env,
      `mutation($sid: String!) { updatePublicKeyCredential(input: { sid: $sid, friendlyName: "Renamed signer" }) { publicKeyCredential { id friendlyName } userErrors { code } } }`,
      { sid: key.sid },
    );
    expect(renamed.updatePublicKeyCredential).toEqual({ publicKeyCredential: { id: key.id, friendlyName: 'Renamed signer' }, userErrors: [] });

    const mutation = `mutation($sid: String!) { deletePublicKeyCredential(input: { sid: $sid }) { deletedId userErrors { code twilioCode } } }`;
    const deleted = await ok(env, mutation, { sid: key.sid });
    expect(deleted.deletePublicKeyCredential).toEqual({ deletedId: key.id, userErrors: [] });
    expect(env.calls()).toEqual({ 'accounts.CreateCredentialPublicKey': 1, 'accounts.UpdateCredentialPublicKey': 1, 'accounts.DeleteCredentialPublicKey': 1 });
    const again = await ok(env, mutation, { sid: key.sid });
    expect(again.deletePublicKeyCredential).toEqual({ deletedId: null, userErrors: [{ code: 'NOT_FOUND', twilioCode: 20404 }] });
  });

  it("puts Twilio's refusal of a key that is not RSA in userErrors", async () => {
    const ec = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const res = await ok(env, CREATE, { input: { publicKey: ec.publicKey } });
    expect(res.createPublicKeyCredential).toEqual({
      publicKeyCredential: null,
      userErrors: [{ field: ['input', 'publicKey'], message: expect.stringContaining('RSA'), code: 'INVALID_INPUT', twilioCode: 20001 }],
    });
    const update = await ok(
      env,
      `mutation { updatePublicKeyCredential(input: { sid: "CR${MISSING}", friendlyName: "x" }) { publicKeyCredential { sid } userErrors { code } } }`,
    );
    expect(update.updatePublicKeyCredential).toEqual({ publicKeyCredential: null, userErrors: [{ code: 'NOT_FOUND' }] });
  });

  it.each([
    ['a malformed SID', `{ publicKeyCredential(sid: "PK123") { sid } }`, 'sid'],
    [
      'a key that is not PEM',
      `mutation { createPublicKeyCredential(input: { publicKey: "ssh-rsa AAAAB3Nza" }) { publicKeyCredential { sid } } }`,
      'input.publicKey',
    ],
    ['a malformed SID to update', `mutation { updatePublicKeyCredential(input: { sid: "CR1" }) { publicKeyCredential { sid } } }`, 'input.sid'],
    ['a malformed SID to delete', `mutation { deletePublicKeyCredential(input: { sid: "CR1" }) { deletedId } }`, 'input.sid'],
  ])('refuses %s before any REST call', async (_, query, field) => {
    expectBadInput(await env.query(query), field, env);
  });
});

describe('SafeListNumber', () => {
  const LOOKUP = `query($n: String!) { safeListNumber(phoneNumber: $n) { id sid phoneNumber } }`;

  it('checks numbers against the SafeList: the entry, or null, one REST call per number', async () => {
    const data = await ok(
      env,
      `{ a: safeListNumber(phoneNumber: "+14155550123") { id sid phoneNumber } b: safeListNumber(phoneNumber: "+14155550123") { sid }
         uk: safeListNumber(phoneNumber: "+447700900123") { phoneNumber } missing: safeListNumber(phoneNumber: "+14155550199") { sid } }`,
    );
    expect(data.a).toEqual({ id: expect.any(String), sid: expect.stringMatching(/^GN[0-9a-f]{32}$/), phoneNumber: '+14155550123' });
    expect(data.b.sid).toBe(data.a.sid);
    expect(data.uk.phoneNumber).toBe('+447700900123');
    expect(data.missing).toBeNull();
    expect(env.calls()).toEqual({ 'accounts.FetchSafelist': 3 });

    env.resetCalls();
    expect(await refetch(env, data.a.id, '... on SafeListNumber { sid phoneNumber }')).toMatchObject({ sid: data.a.sid, phoneNumber: '+14155550123' });
    expect(env.calls()).toEqual({ 'accounts.FetchSafelist': 1 });
  });

  it('adds a number, refuses it twice, and removes it', async () => {
    const number = '+15005550006';
    const create = `mutation($n: String!) { createSafeListNumber(input: { phoneNumber: $n }) { safeListNumber { id sid phoneNumber } userErrors { field message code twilioCode } } }`;
    const created = await ok(env, create, { n: number });
    const entry = created.createSafeListNumber.safeListNumber;
    expect(created.createSafeListNumber.userErrors).toEqual([]);
    expect(entry).toMatchObject({ sid: expect.stringMatching(/^GN/), phoneNumber: number });
    expect(env.calls()).toEqual({ 'accounts.CreateSafelist': 1 });
    expect((await ok(env, LOOKUP, { n: number })).safeListNumber).toEqual(entry);

    const twice = await ok(env, create, { n: number });
    expect(twice.createSafeListNumber).toEqual({
      safeListNumber: null,
      // Twilio's message names the number, not the parameter, so no field is pointed at.
      // Twilio's code 60411 means the number, though its message does not name the parameter.
      userErrors: [{ field: ['input', 'phoneNumber'], message: expect.stringContaining('already exists'), code: 'INVALID_INPUT', twilioCode: 60411 }],
    });

    env.resetCalls();
    const remove = `mutation($n: String!) { deleteSafeListNumber(input: { phoneNumber: $n }) { deletedId userErrors { code twilioCode } } }`;
    const deleted = await ok(env, remove, { n: number });
    expect(deleted.deleteSafeListNumber).toEqual({ deletedId: entry.id, userErrors: [] });
    expect(env.calls()).toEqual({ 'accounts.DeleteSafelist': 1 });
    expect((await ok(env, LOOKUP, { n: number })).safeListNumber).toBeNull();
    const again = await ok(env, remove, { n: number });
    expect(again.deleteSafeListNumber).toEqual({ deletedId: null, userErrors: [{ code: 'NOT_FOUND', twilioCode: 20404 }] });
  });

  it("puts Twilio's refusal of a number it will not take in userErrors", async () => {
    // E.164 allows numbers this short; Twilio's SafeList does not.
    const res = await ok(
      env,
      `mutation { createSafeListNumber(input: { phoneNumber: "+1234" }) { safeListNumber { sid } userErrors { field code twilioCode } } }`,
    );
    expect(res.createSafeListNumber).toEqual({
      safeListNumber: null,
      userErrors: [{ field: ['input', 'phoneNumber'], code: 'INVALID_INPUT', twilioCode: 20001 }],
    });
  });

  it.each([
    ['a number without its country code', `{ safeListNumber(phoneNumber: "4155550123") { sid } }`, 'phoneNumber'],
    ['a number with spaces', `{ safeListNumber(phoneNumber: "+1 415 555 0123") { sid } }`, 'phoneNumber'],
    ['a malformed number to add', `mutation { createSafeListNumber(input: { phoneNumber: "+0123" }) { safeListNumber { sid } } }`, 'input.phoneNumber'],
    ['a malformed number to remove', `mutation { deleteSafeListNumber(input: { phoneNumber: "call me" }) { deletedId } }`, 'input.phoneNumber'],
    ['a node ID holding no phone number', `{ node(id: "${Buffer.from('v1:SafeListNumber:abc').toString('base64url')}") { id } }`, 'id'],
  ])('refuses %s before any REST call', async (_, query, field) => {
    expectBadInput(await env.query(query), field, env);
  });
});

describe('nodes', () => {
  it('refetches every Accounts type by its global ID, one REST call each', async () => {
    const data = await ok(
      env,
      `{ awsCredentials(first: 1) { nodes { id } } publicKeyCredentials(first: 1) { nodes { id } } safeListNumber(phoneNumber: "+16285553101") { id } }`,
    );
    const ids = [data.awsCredentials.nodes[0].id, data.publicKeyCredentials.nodes[0].id, data.safeListNumber.id];
    env.resetCalls();
    const nodes = await ok(env, `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids });
    expect(nodes.nodes).toEqual([
      { __typename: 'AwsCredential', id: ids[0] },
      { __typename: 'PublicKeyCredential', id: ids[1] },
      { __typename: 'SafeListNumber', id: ids[2] },
    ]);
    expect(env.calls()).toEqual({ 'accounts.FetchCredentialAws': 1, 'accounts.FetchCredentialPublicKey': 1, 'accounts.FetchSafelist': 1 });
  });

  it('answers null for a node that no longer exists', async () => {
    const id = Buffer.from(`v1:PublicKeyCredential:CR${MISSING}`).toString('base64url');
    expect((await ok(env, `query($id: ID!) { node(id: $id) { id } }`, { id })).node).toBeNull();
  });
});

describe('bulk consents and contacts', () => {
  const correlation = (n: number) => n.toString(16).padStart(32, 'c');
  const CONSENTS = /* GraphQL */ `
    mutation($items: [BulkConsentItemInput!]!) {
      createBulkConsents(input: { items: $items }) { results { correlationId succeeded errorCode errorMessages } items userErrors { field message code twilioCode } }
    }`;
  const CONTACTS = /* GraphQL */ `
    mutation($items: [BulkContactItemInput!]!) {
      createBulkContacts(input: { items: $items }) { results { correlationId succeeded errorCode errorMessages } items userErrors { field code } }
    }`;
  const consent = (n: number, changes: object = {}) => ({
    contactId: '+15555550100',
    correlationId: correlation(n),
    senderId: `MG${'0'.repeat(32)}`,
    status: 'OPT_IN',
    source: 'WEBSITE',
    ...changes,
  });

  it('records consents in one REST call and reads the result of each item', async () => {
    const items = [
      consent(0, { dateOfConsent: '2025-02-28T10:05:27Z' }),
      consent(1, { status: 'OPT_OUT', source: 'OPT_OUT_MESSAGE', senderId: '+15555550199' }),
      consent(2, { contactId: '+19' }),
      consent(3, { senderId: 'someone', contactId: 'nobody' }),
    ];
    const data = await ok(env, CONSENTS, { items });
    const { results, items: raw, userErrors } = data.createBulkConsents;
    expect(userErrors).toEqual([]);
    expect(results).toEqual([
      { correlationId: correlation(0), succeeded: true, errorCode: 0, errorMessages: [] },
      { correlationId: correlation(1), succeeded: true, errorCode: 0, errorMessages: [] },
      { correlationId: correlation(2), succeeded: false, errorCode: 30646, errorMessages: ['INVALID_CONTACT_ID'] },
      { correlationId: correlation(3), succeeded: false, errorCode: 30646, errorMessages: ['INVALID_CONTACT_ID', 'INVALID_SENDER_ID'] },
    ]);
    expect(raw).toEqual(results.map((r: any) => ({ correlation_id: r.correlationId, error_code: r.errorCode, error_messages: r.errorMessages })));
    expect(env.calls()).toEqual({ 'accounts.CreateBulkConsents': 1 });
  });

  it('records contacts in one REST call and reads the result of each item', async () => {
    const items = [
      { contactId: '+15555550100', correlationId: correlation(10), countryIsoCode: 'US', zipCode: '94105' },
      { contactId: '+447700900123', correlationId: '123e4567-e89b-12d3-a456-426614174000' },
      { contactId: '+15555550101', correlationId: correlation(11), countryIsoCode: 'usa' },
    ];
    const data = await ok(env, CONTACTS, { items });
    expect(data.createBulkContacts.results).toEqual([
      { correlationId: correlation(10), succeeded: true, errorCode: 0, errorMessages: [] },
      { correlationId: '123e4567-e89b-12d3-a456-426614174000', succeeded: true, errorCode: 0, errorMessages: [] },
      { correlationId: correlation(11), succeeded: false, errorCode: 30647, errorMessages: ['INVALID_COUNTRY_ISO_CODE'] },
    ]);
    expect(data.createBulkContacts.userErrors).toEqual([]);
    expect(env.calls()).toEqual({ 'accounts.CreateBulkContacts': 1 });
  });

  it("puts Twilio's refusal of a whole request in userErrors", async () => {
    env.emulator.injectFault({
      operation: 'accounts.CreateBulkConsents',
      status: 400,
      code: 20001,
      message: 'Invalid body parameter Items: the request was refused',
    });
    const data = await ok(env, CONSENTS, { items: [consent(0)] });
    expect(data.createBulkConsents).toEqual({
      results: null,
      items: null,
      userErrors: [{ field: ['input', 'items'], message: 'Invalid body parameter Items: the request was refused', code: 'INVALID_INPUT', twilioCode: 20001 }],
    });
  });

  it.each([
    ['no items', [], 'input.items'],
    ['more than 25 items', Array.from({ length: 26 }, (_, i) => consent(i)), 'input.items'],
    ['a malformed correlation id', [consent(0, { correlationId: 'abc' })], 'input.items[0].correlationId'],
    ['a correlation id used twice', [consent(0), consent(1), consent(0)], 'input.items[2].correlationId'],
  ])('refuses %s before any REST call', async (_, items, field) => {
    expectBadInput(await env.query(CONSENTS, { items }), field, env);
  });

  it('refuses an item without a required field or with an unknown status before execution', async () => {
    const { status: _status, ...withoutStatus } = consent(0);
    const missing = await env.query(CONSENTS, { items: [withoutStatus] });
    expect(missing.errors?.[0]?.message).toMatch(/status/);
    const unknown = await env.query(CONSENTS, { items: [consent(0, { status: 'MAYBE' })] });
    expect(unknown.errors?.[0]?.message).toMatch(/BulkConsentStatus/);
    expect(env.totalCalls()).toBe(0);
  });
});

describe('upstream failures', () => {
  it('puts a 500 at its field with Twilio facts, while siblings still resolve', async () => {
    const [first] = (await rest('/v1/Credentials/AWS?PageSize=1')).credentials;
    env.resetCalls();
    env.emulator.injectFault({ operation: 'accounts.FetchCredentialAws', status: 500 });
    const res = await env.query(`query($sid: String!) { awsCredential(sid: $sid) { sid } safeListNumber(phoneNumber: "+14155550123") { phoneNumber } }`, {
      sid: first.sid,
    });
    expect(res.data.awsCredential).toBeNull();
    expect(res.data.safeListNumber.phoneNumber).toBe('+14155550123');
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.path).toEqual(['awsCredential']);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', twilioCode: 20500, status: 500, operation: 'accounts.FetchCredentialAws' });
    expect(env.calls()).toEqual({ 'accounts.FetchCredentialAws': 1, 'accounts.FetchSafelist': 1 });
  });

  it('does not retry a write Twilio may have started (503), and reports it as an error, not a userError', async () => {
    env.emulator.injectFault({ operation: 'accounts.CreateSafelist', status: 503 });
    const res = await env.query(`mutation { createSafeListNumber(input: { phoneNumber: "+15005550009" }) { safeListNumber { sid } userErrors { code } } }`);
    expect(res.data).toEqual({ createSafeListNumber: null });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', status: 503, operation: 'accounts.CreateSafelist' });
    expect(env.calls()).toEqual({ 'accounts.CreateSafelist': 1 });
  });

  it('retries a write Twilio turned away with 429, once it may', async () => {
    env.emulator.injectFault({ operation: 'accounts.CreateBulkContacts', status: 429 });
    const data = await ok(
      env,
      `mutation { createBulkContacts(input: { items: [{ contactId: "+15555550100", correlationId: "${'d'.repeat(32)}" }] }) { results { succeeded } } }`,
    );
    expect(data.createBulkContacts.results).toEqual([{ succeeded: true }]);
    expect(env.calls()).toEqual({ 'accounts.CreateBulkContacts': 2 });
  });
});

describe('secrets and auth tokens', () => {
  // Its own emulator: a promoted token changes the credentials the account accepts.
  let own: GatewayEnv;
  // The same gateway with Yoga's logger on, as in production, called in-process.
  let logged: Gateway;
  const output: string[] = [];

  beforeAll(async () => {
    own = await startGateway();
    logged = createGateway({
      transport: own.transport,
      credentials: { accountSid: DEMO_ACCOUNT.accountSid, authToken: DEMO_ACCOUNT.authToken },
      logging: true,
    });
    // Everything the gateway prints while these tests run, through console or straight to the streams.
    const keep = (...args: unknown[]) => void output.push(format(...args));
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, method).mockImplementation(keep);
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((chunk: unknown) => {
        output.push(String(chunk));
        return true;
      });
    }
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await own?.close();
  });
  beforeEach(() => {
    own.emulator.clearFaults();
    own.resetCalls();
  });

  async function query(text: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ body: any; text: string }> {
    const res = await logged.fetch('http://gateway/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
      body: JSON.stringify({ query: text, variables }),
    });
    const body = await res.text();
    return { body: JSON.parse(body), text: body };
  }

  const basic = (token: string) => ({ authorization: 'Basic ' + Buffer.from(`${DEMO_ACCOUNT.accountSid}:${token}`).toString('base64') });
  const CREATE_TOKEN = `mutation { createSecondaryAuthToken { secondaryAuthToken { accountSid authToken dateCreated dateUpdated url } userErrors { code } } }`;
  const DELETE_TOKEN = `mutation { deleteSecondaryAuthToken { deleted userErrors { code twilioCode } } }`;
  const PROMOTE = `mutation { promoteSecondaryAuthToken { authTokenPromotion { accountSid authToken dateCreated dateUpdated url } userErrors { code message } } }`;
  const READ = `{ awsCredentials { nodes { id sid friendlyName } } safeListNumber(phoneNumber: "+14155550123") { sid } }`;

  it('never shows an AWS secret again: not in answers, refusals, errors or log lines', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/LEAKCHECK0000001';
    const credentials = `AKIALEAKCHECK0000001:${secret}`;
    const answers: string[] = [];
    const created = await query(CREATE_AWS, { input: { credentials, friendlyName: 'Leak check' } });
    answers.push(created.text);
    expect(created.body.data.createAwsCredential.awsCredential.friendlyName).toBe('Leak check');

    // Refused by Twilio, by the gateway's own check, and failed upstream, twice repeating the secret in Twilio's message.
    answers.push((await query(CREATE_AWS, { input: { credentials, accountSid: OTHER_ACCOUNT } })).text);
    answers.push((await query(CREATE_AWS, { input: { credentials: secret } })).text);
    own.emulator.injectFault({
      operation: 'accounts.CreateCredentialAws',
      status: 400,
      code: 20001,
      message: `Invalid body parameter Credentials: ${credentials} is not valid`,
    });
    const echoed = await query(CREATE_AWS, { input: { credentials } });
    answers.push(echoed.text);
    expect(echoed.body.data.createAwsCredential.userErrors).toEqual([
      { field: ['input', 'credentials'], message: 'Invalid body parameter Credentials: [redacted] is not valid', code: 'INVALID_INPUT', twilioCode: 20001 },
    ]);
    own.emulator.injectFault({ operation: 'accounts.CreateCredentialAws', status: 500, message: `Upstream failure for ${credentials}` });
    const failed = await query(CREATE_AWS, { input: { credentials } });
    answers.push(failed.text);
    expect(failed.body.errors[0]).toMatchObject({
      message: 'Upstream failure for [redacted]',
      extensions: { code: 'UPSTREAM_ERROR', operation: 'accounts.CreateCredentialAws' },
    });
    answers.push((await query(READ)).text);
    answers.push((await query(`query($id: ID!) { node(id: $id) { id } }`, { id: created.body.data.createAwsCredential.awsCredential.id })).text);

    // An expected upstream failure is answered with its code, not logged as a server error.
    expect(output.join('\n')).not.toContain('Upstream failure');
    for (const text of [...answers, output.join('\n')]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain('LEAKCHECK0000001:');
    }
  });

  it('returns a new secondary auth token once; it authenticates until deleted, and is never shown again', async () => {
    const created = await query(CREATE_TOKEN);
    const token = created.body.data.createSecondaryAuthToken.secondaryAuthToken;
    expect(token).toMatchObject({ accountSid: DEMO_ACCOUNT.accountSid, authToken: expect.stringMatching(/^[0-9a-f]{32}$/), dateCreated: expect.any(String) });
    expect(token.url).toMatch(/\/v1\/AuthTokens\/Secondary$/);
    expect(own.calls()).toEqual({ 'accounts.CreateSecondaryAuthToken': 1 });

    const later: string[] = [];
    const withToken = await query(READ, undefined, basic(token.authToken));
    later.push(withToken.text);
    expect(withToken.body.errors).toBeUndefined();
    expect(withToken.body.data.awsCredentials.nodes.length).toBeGreaterThan(0);

    const deleted = await query(DELETE_TOKEN);
    later.push(deleted.text);
    expect(deleted.body.data.deleteSecondaryAuthToken).toEqual({ deleted: true, userErrors: [] });
    const refused = await query(READ, undefined, basic(token.authToken));
    later.push(refused.text);
    expect(refused.body.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', twilioCode: 20003 });
    const again = await query(DELETE_TOKEN);
    later.push(again.text);
    expect(again.body.data.deleteSecondaryAuthToken).toEqual({ deleted: false, userErrors: [{ code: 'NOT_FOUND', twilioCode: 20404 }] });

    for (const text of [...later, output.join('\n')]) expect(text).not.toContain(token.authToken);
  });

  it('refuses to promote when there is no secondary token', async () => {
    const res = await query(PROMOTE);
    expect(res.body.data.promoteSecondaryAuthToken).toEqual({
      authTokenPromotion: null,
      userErrors: [{ code: 'INVALID_INPUT', message: expect.stringContaining('no secondary Auth Token') }],
    });
  });

  it('promotes the secondary token: it is returned once, and the old primary, which this gateway is configured with, stops working', async () => {
    const secondary = (await query(CREATE_TOKEN)).body.data.createSecondaryAuthToken.secondaryAuthToken.authToken;
    own.resetCalls();
    const promoted = await query(PROMOTE);
    const promotion = promoted.body.data.promoteSecondaryAuthToken;
    expect(promotion.userErrors).toEqual([]);
    expect(promotion.authTokenPromotion).toMatchObject({ accountSid: DEMO_ACCOUNT.accountSid, authToken: secondary, dateUpdated: expect.any(String) });
    expect(promotion.authTokenPromotion.url).toMatch(/\/v1\/AuthTokens\/Promote$/);
    expect(own.calls()).toEqual({ 'accounts.UpdateAuthTokenPromotion': 1 });

    // The gateway's configured credentials hold the old primary token: every request without its own fails now.
    const later: string[] = [];
    const stale = await own.query(READ);
    later.push(JSON.stringify(stale));
    expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', twilioCode: 20003, status: 401 });
    const staleLogged = await query(READ);
    later.push(staleLogged.text);
    expect(staleLogged.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    // A request bringing the promoted token works.
    const fresh = await own.query(READ, undefined, basic(secondary));
    later.push(JSON.stringify(fresh));
    expect(fresh.errors).toBeUndefined();
    expect(fresh.data.safeListNumber.sid).toMatch(/^GN/);
    // And there is nothing left to promote.
    const twice = await own.query(PROMOTE, undefined, basic(secondary));
    later.push(JSON.stringify(twice));
    expect(twice.data.promoteSecondaryAuthToken.userErrors).toEqual([{ code: 'INVALID_INPUT', message: expect.any(String) }]);

    for (const text of [...later, output.join('\n')]) expect(text).not.toContain(secondary);
  });
});
