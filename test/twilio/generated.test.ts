import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildModel, renderAll } from '../../scripts/generate.ts';
import { accountsOperations } from '../../src/twilio/accounts.ts';
import { chatOperations } from '../../src/twilio/chat.ts';
import { eventsOperations } from '../../src/twilio/events.ts';
import { proxyOperations } from '../../src/twilio/proxy.ts';
import type { TwilioOperation } from '../../src/twilio/operation.ts';
import { expectFileUpToDate } from '../support/drift.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const tables: Record<string, Record<string, TwilioOperation>> = {
  chat: chatOperations as unknown as Record<string, TwilioOperation>,
  proxy: proxyOperations as unknown as Record<string, TwilioOperation>,
  events: eventsOperations as unknown as Record<string, TwilioOperation>,
  accounts: accountsOperations as unknown as Record<string, TwilioOperation>,
};
const all = Object.values(tables).flatMap((table) => Object.values(table));

describe('generated REST layer', () => {
  it('matches the specs (run `npm run generate` after changing specs/ or the generator)', () => {
    for (const [path, expected] of renderAll(root)) expectFileUpToDate(path, expected, 'npm run generate');
  });

  it('has every operation of the four specs, each under a unique key', () => {
    expect(all).toHaveLength(124);
    expect(Object.fromEntries(Object.entries(tables).map(([product, table]) => [product, Object.keys(table).length]))).toEqual({
      chat: 54,
      proxy: 30,
      events: 22,
      accounts: 18,
    });
    expect(new Set(all.map((op) => op.key)).size).toBe(124);
    for (const op of all) expect(op.key).toBe(`${op.product}.${op.operationId}`);
  });

  it('describes operations as the spec does', () => {
    expect(chatOperations.FetchChannel).toEqual({
      key: 'chat.FetchChannel',
      product: 'chat',
      operationId: 'FetchChannel',
      method: 'GET',
      path: '/v2/Services/{ServiceSid}/Channels/{Sid}',
      pathParams: ['ServiceSid', 'Sid'],
      record: 'ChatChannelRecord',
      keyFields: ['service_sid', 'sid'],
    });
    expect(chatOperations.ListChannel).toMatchObject({
      listKey: 'channels',
      maxPageSize: 1000,
      record: 'ChatChannelRecord',
      keyFields: ['service_sid', 'sid'],
    });
    expect(chatOperations.ListUserChannel).toMatchObject({ listKey: 'channels', record: 'ChatUserChannelRecord' });
    expect(proxyOperations.CreateService).toMatchObject({ key: 'proxy.CreateService', method: 'POST', path: '/v1/Services' });
    expect(eventsOperations.ListSubscribedEvent).toMatchObject({ listKey: 'types', record: 'EventsSubscribedEventRecord' });
    expect(accountsOperations.DeleteCredentialAws).toMatchObject({ method: 'DELETE' });
    expect(accountsOperations.DeleteCredentialAws.record).toBeUndefined();
    expect(accountsOperations.DeleteCredentialAws.keyFields).toBeUndefined();
  });

  it('names the fields that identify each record: those its paths address it by', () => {
    // Records without a SID are identified by their own path parameters.
    expect(chatOperations.ListUserChannel.keyFields).toEqual(['channel_sid', 'service_sid', 'user_sid']);
    expect(eventsOperations.FetchSchemaVersion.keyFields).toEqual(['id', 'schema_version']);
    expect(eventsOperations.ListEventType.keyFields).toEqual(['type']);
    expect(proxyOperations.ListMessageInteraction.keyFields).toEqual(['participant_sid', 'service_sid', 'session_sid', 'sid']);
    // Nothing identifies a sink test result or a secondary auth token: they need only be objects.
    expect(eventsOperations.CreateSinkTest.keyFields).toBeUndefined();
    expect(accountsOperations.CreateSecondaryAuthToken.keyFields).toBeUndefined();
    // Every record with a SID needs it.
    for (const op of all)
      if (op.record && op.keyFields === undefined)
        expect([
          'EventsSinkTestRecord',
          'EventsSinkValidateRecord',
          'AccountsAuthTokenPromotionRecord',
          'AccountsBulkConsentsRecord',
          'AccountsBulkContactsRecord',
          'AccountsSecondaryAuthTokenRecord',
        ]).toContain(op.record);
  });

  it('lists every path parameter of every template', () => {
    for (const op of all) expect(op.pathParams).toEqual([...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]));
  });

  it('gives every list a list key and a record type', () => {
    const model = buildModel(join(root, 'specs'));
    const lists = model.flatMap((p) => p.operations).filter((op) => op.operationId.startsWith('List'));
    expect(lists.length).toBeGreaterThan(0);
    for (const op of lists) {
      expect(op.listKey, op.key).toBeTruthy();
      expect(op.record, op.key).toMatch(/Record$/);
      expect(op.functionName, op.key).toMatch(/^list.*s$/);
    }
  });
});
