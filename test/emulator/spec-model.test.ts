import { describe, expect, it } from 'vitest';
import { loadSpecModel, snakeCase } from '../../src/emulator/spec-model.ts';

const model = loadSpecModel();

describe('spec model', () => {
  it('reads all 124 operations of the four specs, with unique ids', () => {
    expect(model.operations).toHaveLength(124);
    const counts = Object.fromEntries(['chat', 'proxy', 'events', 'accounts'].map((p) => [p, model.operations.filter((o) => o.product === p).length]));
    expect(counts).toEqual({ chat: 54, proxy: 30, events: 22, accounts: 18 });
    expect(new Set(model.operations.map((o) => o.id)).size).toBe(124);
  });

  it('routes every operation path back to its own operation', () => {
    for (const op of model.operations) {
      const path = op.pathTemplate.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'SchemaVersion' ? '1' : `${name}Value`));
      const match = model.match(path);
      expect(match?.route.operations.get(op.method), `${op.method} ${path}`).toBe(op);
    }
  });

  it('derives SID prefixes, id fields, list keys and links from the schemas', () => {
    const channel = model.resources.get('chat.ip_messaging.v2.service.channel')!;
    expect(channel).toMatchObject({ sidPrefix: 'CH', idField: 'sid', listKey: 'channels', instancePath: '/v2/Services/{ServiceSid}/Channels/{Sid}' });
    expect(Object.keys(channel.links).sort()).toEqual(['invites', 'members', 'messages', 'webhooks']);
    expect(model.resources.get('events.events.v1.event_type')).toMatchObject({ idField: 'type', listKey: 'types', sidPrefix: null });
    expect(model.resources.get('chat.ip_messaging.v2.service.user.user_channel')).toMatchObject({ idField: 'channel_sid' });
    expect(model.resources.get('proxy.proxy.v1.service.session')!.sidPrefix).toBe('KC');
  });

  it('classifies operations by what they do', () => {
    const kind = (id: string) => model.operationsById.get(id)!.kind;
    expect(kind('chat.ListChannel')).toBe('list');
    expect(kind('chat.CreateChannel')).toBe('create');
    expect(kind('chat.UpdateChannel')).toBe('update');
    expect(kind('events.CreateSubscribedEvent')).toBe('create');
    expect(kind('events.CreateSinkTest')).toBe('action');
    expect(kind('accounts.CreateSafelist')).toBe('action');
  });

  it('keeps dotted and array body parameters as the spec names them', () => {
    const op = model.operationsById.get('chat.CreateChannelWebhook')!;
    expect(op.bodyParams.map((p) => p.name)).toContain('Configuration.Filters');
    expect(op.bodyParams.find((p) => p.name === 'Configuration.Filters')!.schema.type).toBe('array');
  });

  it('snake-cases parameter names like Twilio fields', () => {
    expect(snakeCase('FriendlyName')).toBe('friendly_name');
    expect(snakeCase('ChatInstanceSid')).toBe('chat_instance_sid');
    expect(snakeCase('LastConsumedMessageIndex')).toBe('last_consumed_message_index');
  });
});
