/** Every form of a credential is cut out of text relayed from Twilio; the account SID is not a secret. */
import { describe, expect, it } from 'vitest';
import { credentialSecrets, redact, secretsOf } from '../../src/twilio/secrets.ts';

const ACCOUNT = 'AC0123456789abcdef0123456789abcdef';
const KEY = 'SK0123456789abcdef0123456789abcdef';
const TOKEN = 'tok/en+with=special chars&more~9f2c';
const SECRET = 'Zx9!secret value/with+plus';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const form = (s: string) => new URLSearchParams({ v: s }).toString().slice(2);

describe('redact with credentials', () => {
  const token = credentialSecrets({ accountSid: ACCOUNT, authToken: TOKEN });
  const key = credentialSecrets({ accountSid: ACCOUNT, apiKey: KEY, apiSecret: SECRET });

  it.each([
    ['raw', TOKEN],
    ['URL-encoded', encodeURIComponent(TOKEN)],
    ['URL-encoded, lower-case hex', encodeURIComponent(TOKEN).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
    ['form-encoded', form(TOKEN)],
    ['base64', b64(TOKEN)],
    ['base64url', b64url(TOKEN)],
    ['the Basic header value', b64(`${ACCOUNT}:${TOKEN}`)],
    ['truncated to 8 characters', TOKEN.slice(0, 8)],
    ['truncated to 12 characters', TOKEN.slice(0, 12)],
    ['URL-encoded and truncated', encodeURIComponent(TOKEN).slice(0, 10)],
    ['the Basic header value, truncated into the secret', b64(`${ACCOUNT}:${TOKEN}`).slice(0, 56)],
  ])('cuts out an auth token %s', (_, quoted) => {
    const text = redact(`Authenticate failed for ${quoted} on account ${ACCOUNT}.`, token);
    expect(text).toBe(`Authenticate failed for [redacted] on account ${ACCOUNT}.`);
  });

  it.each([
    ['the API key SID', KEY],
    ['the secret', SECRET],
    ['the secret, form-encoded', form(SECRET)],
    ['the secret, base64', b64(SECRET)],
    ['the secret, truncated', SECRET.slice(0, 9)],
    ['the Basic header value', b64(`${KEY}:${SECRET}`)],
    ['the Basic header value, truncated', b64(`${KEY}:${SECRET}`).slice(0, 20)],
  ])('cuts out %s of an API key', (_, quoted) => {
    expect(redact(`bad key ${quoted}!`, key)).toBe('bad key [redacted]!');
  });

  it('leaves the account SID, and text merely sharing a few characters, alone', () => {
    const text = `Account ${ACCOUNT} (${b64(ACCOUNT)}): tok/en was refused; Zx9!s too`;
    expect(redact(text, token)).toBe(text);
    expect(redact(text, key)).toBe(text);
  });
});

describe('redact with write-only secrets', () => {
  it('cuts out a short secret only where it appears whole', () => {
    const secrets = secretsOf(['abc12', null, undefined, '']);
    expect(redact('abc12 and abc1', secrets)).toBe('[redacted] and abc1');
  });
});
