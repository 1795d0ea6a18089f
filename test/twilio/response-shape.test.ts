import { describe, expect, it } from 'vitest';
import { chatOperations } from '../../src/twilio/chat.ts';
import { eventsOperations } from '../../src/twilio/events.ts';
import { accountsOperations } from '../../src/twilio/accounts.ts';
import { shapeProblem } from '../../src/twilio/response-shape.ts';

const channel = { sid: 'CH1', service_sid: 'IS1', friendly_name: null };
const meta = { page: 0, next_page_url: null };

describe('shapeProblem', () => {
  it('accepts a record with its key fields, whatever else it holds or lacks', () => {
    expect(shapeProblem(chatOperations.FetchChannel, channel)).toBeUndefined();
    expect(shapeProblem(chatOperations.FetchChannel, { sid: 'CH1', service_sid: 'IS1' })).toBeUndefined();
    expect(shapeProblem(eventsOperations.FetchSchemaVersion, { id: 'Messaging.MessageStatus', schema_version: 2 })).toBeUndefined();
    expect(shapeProblem(accountsOperations.CreateSecondaryAuthToken, {})).toBeUndefined();
  });

  it.each([
    [null, 'the body is null, not a JSON object'],
    [undefined, 'the body is missing, not a JSON object'],
    [[channel], 'the body is an array, not a JSON object'],
    ['CH1', 'the body is a string, not a JSON object'],
    [{ friendly_name: 'general' }, '"service_sid" is missing'],
    [{ sid: 'CH1' }, '"service_sid" is missing'],
    [{ sid: '', service_sid: 'IS1' }, '"sid" is an empty string'],
    [{ sid: { nested: true }, service_sid: 'IS1' }, '"sid" is an object'],
  ])('refuses a record %j', (body, problem) => {
    expect(shapeProblem(chatOperations.FetchChannel, body)).toBe(problem);
  });

  it('accepts a page with its list and meta, and an empty page', () => {
    expect(shapeProblem(chatOperations.ListChannel, { channels: [channel, channel], meta })).toBeUndefined();
    expect(shapeProblem(chatOperations.ListChannel, { channels: [], meta: {} })).toBeUndefined();
  });

  it.each([
    [{ meta }, 'a page needs "channels" as an array, but it is missing'],
    [{ channels: {}, meta }, 'a page needs "channels" as an array, but it is an object'],
    [{ channels: [] }, 'a page needs "meta" as an object, but it is missing'],
    [{ channels: [], meta: null }, 'a page needs "meta" as an object, but it is null'],
    [{ channels: [channel, null], meta }, '"channels"[1]: it is null, not an object'],
    [{ channels: [channel, { sid: 'CH2' }], meta }, '"channels"[1]: "service_sid" is missing'],
    [[], 'the body is an array, not a JSON object'],
  ])('refuses a page %j', (body, problem) => {
    expect(shapeProblem(chatOperations.ListChannel, body)).toBe(problem);
  });

  it("never quotes the body: it holds the account's data", () => {
    expect(shapeProblem(chatOperations.FetchChannel, 'secret text')).not.toContain('secret');
    expect(shapeProblem(chatOperations.FetchChannel, { sid: 'secret', service_sid: ['secret'] })).not.toContain('secret');
  });
});
