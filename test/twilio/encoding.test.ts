import { describe, expect, it } from 'vitest';
import { buildPath, encodeForm } from '../../src/twilio/encoding.ts';

describe('buildPath', () => {
  const template = '/v2/Services/{ServiceSid}/Channels/{Sid}';

  it('percent-encodes every segment, so a unique name cannot change the path', () => {
    expect(buildPath(template, { ServiceSid: 'IS1', Sid: 'team/general chat?x=1#y' })).toBe('/v2/Services/IS1/Channels/team%2Fgeneral%20chat%3Fx%3D1%23y');
    expect(buildPath(template, { ServiceSid: 'IS1', Sid: 'café' })).toBe('/v2/Services/IS1/Channels/caf%C3%A9');
  });

  it('encodes dot-segments, which URL normalisation would otherwise remove', () => {
    expect(buildPath(template, { ServiceSid: 'IS1', Sid: '..' })).toBe('/v2/Services/IS1/Channels/%2E%2E');
    expect(buildPath(template, { ServiceSid: 'IS1', Sid: '.' })).toBe('/v2/Services/IS1/Channels/%2E');
    expect(buildPath(template, { ServiceSid: 'IS1', Sid: 'a.b' })).toBe('/v2/Services/IS1/Channels/a.b');
  });

  it('accepts numbers for integer segments', () => {
    expect(buildPath('/v1/Schemas/{Id}/Versions/{SchemaVersion}', { Id: 'x', SchemaVersion: 3 })).toBe('/v1/Schemas/x/Versions/3');
  });

  it('refuses a missing or empty segment rather than address the parent list', () => {
    expect(() => buildPath(template, { ServiceSid: 'IS1' })).toThrow(
      'Path parameter Sid of /v2/Services/{ServiceSid}/Channels/{Sid} must be a non-empty string, but got undefined',
    );
    expect(() => buildPath(template, { ServiceSid: 'IS1', Sid: '' })).toThrow(/but got an empty string/);
  });
});

describe('encodeForm', () => {
  it('repeats keys for arrays', () => {
    expect(encodeForm({ Permission: ['sendMessage', 'leaveChannel'] }).toString()).toBe('Permission=sendMessage&Permission=leaveChannel');
  });

  it('passes dotted names through and writes booleans as true/false', () => {
    const form = encodeForm({ 'Notifications.NewMessage.Enabled': true, 'Limits.ChannelMembers': 50, ReadStatusEnabled: false });
    expect([...form]).toEqual([
      ['Notifications.NewMessage.Enabled', 'true'],
      ['Limits.ChannelMembers', '50'],
      ['ReadStatusEnabled', 'false'],
    ]);
    expect(form.toString()).toBe('Notifications.NewMessage.Enabled=true&Limits.ChannelMembers=50&ReadStatusEnabled=false');
  });

  it('writes Dates as ISO 8601 and objects as JSON', () => {
    const form = encodeForm({
      DateCreated: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)),
      SinkConfiguration: { destination: 'https://example.com/hook', method: 'POST' },
      Types: [{ type: 'com.twilio.messaging.message.delivered', schema_version: 1 }],
    });
    expect(form.get('DateCreated')).toBe('2024-01-02T03:04:05.000Z');
    expect(JSON.parse(form.get('SinkConfiguration')!)).toEqual({ destination: 'https://example.com/hook', method: 'POST' });
    expect(JSON.parse(form.get('Types')!)).toEqual({ type: 'com.twilio.messaging.message.delivered', schema_version: 1 });
  });

  it('leaves out undefined and null but keeps empty strings (Twilio clears a field with one)', () => {
    expect(encodeForm({ A: undefined, B: null, C: '', D: [undefined, 'x'] }).toString()).toBe('C=&D=x');
  });

  it('form-encodes reserved characters', () => {
    expect(encodeForm({ Body: 'a&b=c d+e' }).toString()).toBe('Body=a%26b%3Dc+d%2Be');
  });
});
