/** The gateway's check of X-Twilio-Signature agrees with Twilio's own library, both ways. */
import { describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { bodyHash, sameSecret, signedUrlForms, twilioSignature, verifyBodySignature, verifyFormSignature } from '../../src/live/signature.ts';

const { getExpectedTwilioSignature, getExpectedBodyHash, validateRequest, validateRequestWithBody } = twilio;

const TOKEN = '12345678901234567890123456789012';
const URL = 'https://gateway.example.com/webhooks/twilio/chat';
const PARAMS = {
  EventType: 'onMessageSent',
  AccountSid: 'AC00000000000000000000000000000001',
  Body: 'héllo & wörld = +1 ✓',
  Attributes: '{"priority":"high"}',
  Index: '7',
};

describe('X-Twilio-Signature', () => {
  it('is computed as the twilio library computes it', () => {
    expect(twilioSignature(TOKEN, URL, Object.entries(PARAMS))).toBe(getExpectedTwilioSignature(TOKEN, URL, PARAMS));
    expect(bodyHash(Buffer.from('[{"id":"EZ1"}]'))).toBe(getExpectedBodyHash('[{"id":"EZ1"}]'));
  });

  it('verifies what the library signs, and the library verifies what it computes', () => {
    const signature = getExpectedTwilioSignature(TOKEN, URL, PARAMS);
    expect(verifyFormSignature([TOKEN], signature, URL, Object.entries(PARAMS))).toBe(true);
    expect(validateRequest(TOKEN, twilioSignature(TOKEN, URL, Object.entries(PARAMS)), URL, PARAMS)).toBe(true);
  });

  it('refuses another token, another URL, a changed parameter, an added one, and no signature', () => {
    const signature = getExpectedTwilioSignature(TOKEN, URL, PARAMS);
    expect(verifyFormSignature(['another-token'], signature, URL, Object.entries(PARAMS))).toBe(false);
    expect(verifyFormSignature([TOKEN], signature, `${URL}?x=1`, Object.entries(PARAMS))).toBe(false);
    expect(verifyFormSignature([TOKEN], signature, URL, Object.entries({ ...PARAMS, Body: 'changed' }))).toBe(false);
    expect(verifyFormSignature([TOKEN], signature, URL, Object.entries({ ...PARAMS, RetryCount: '1' }))).toBe(false);
    expect(verifyFormSignature([TOKEN], '', URL, Object.entries(PARAMS))).toBe(false);
    expect(verifyFormSignature([], signature, URL, Object.entries(PARAMS))).toBe(false);
  });

  it('accepts any of an account’s tokens', () => {
    const signature = getExpectedTwilioSignature(TOKEN, URL, PARAMS);
    expect(verifyFormSignature(['old-token', TOKEN], signature, URL, Object.entries(PARAMS))).toBe(true);
  });

  it('tries the URL with and without its port, as Twilio may sign either', () => {
    expect(signedUrlForms('https://gw.example.com/hook?a=1')).toEqual(['https://gw.example.com/hook?a=1', 'https://gw.example.com:443/hook?a=1']);
    expect(signedUrlForms('http://127.0.0.1:4000/hook')).toEqual(['http://127.0.0.1:4000/hook', 'http://127.0.0.1/hook']);
    const withPort = getExpectedTwilioSignature(TOKEN, 'https://gateway.example.com:443/webhooks/twilio/chat', PARAMS);
    expect(verifyFormSignature([TOKEN], withPort, URL, Object.entries(PARAMS))).toBe(true);
  });

  it('signs repeated parameters as the library does', () => {
    const params = { EventType: 'onMessageSent', Tag: ['b', 'a', 'b'] };
    const signature = getExpectedTwilioSignature(TOKEN, URL, params);
    expect(
      verifyFormSignature([TOKEN], signature, URL, [
        ['EventType', 'onMessageSent'],
        ['Tag', 'b'],
        ['Tag', 'a'],
        ['Tag', 'b'],
      ]),
    ).toBe(true);
  });

  it('verifies a JSON body through bodySHA256, as validateRequestWithBody does', () => {
    const body = JSON.stringify([
      { specversion: '1.0', id: 'EZ00000000000000000000000000000001', type: 'com.twilio.messaging.message.sent', data: { accountSid: PARAMS.AccountSid } },
    ]);
    const url = `https://gateway.example.com/webhooks/twilio/events?bodySHA256=${getExpectedBodyHash(body)}`;
    const signature = getExpectedTwilioSignature(TOKEN, url, {});
    expect(validateRequestWithBody(TOKEN, signature, url, body)).toBe(true);
    expect(verifyBodySignature([TOKEN], signature, url, Buffer.from(body))).toBe(true);
    // The body changed, but not its hash; its hash changed too, but not the signature.
    expect(verifyBodySignature([TOKEN], signature, url, Buffer.from(body.replace('sent', 'read')))).toBe(false);
    const rehashed = `https://gateway.example.com/webhooks/twilio/events?bodySHA256=${getExpectedBodyHash(body.replace('sent', 'read'))}`;
    expect(verifyBodySignature([TOKEN], signature, rehashed, Buffer.from(body.replace('sent', 'read')))).toBe(false);
    // No hash in the URL: nothing binds the body.
    expect(verifyBodySignature([TOKEN], getExpectedTwilioSignature(TOKEN, URL, {}), URL, Buffer.from(body))).toBe(false);
  });

  it('compares in constant time, whatever the lengths', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abd', 'abc')).toBe(false);
    expect(sameSecret('ab', 'abc')).toBe(false);
  });
});
