/**
 * Within one request, whatever was read before a write is read afresh after
 * it: through a type's loader (a channel's service), through a named lookup
 * and its memoised list read (a channel's creator, from the service's user
 * list), and through the REST reads beneath both. No resolver clears
 * anything: the request's REST client clears its read cache as it writes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { twilioFetch } from '../emulator/helpers.ts';
import { supportServiceSid } from '../limits/helpers.ts';

let env: GatewayEnv;
let service: string;

beforeAll(async () => {
  env = await startGateway();
  service = await supportServiceSid(env);
  await twilioFetch(env.emulator, 'POST', `/v2/Services/${service}/Users`, { Identity: 'fresh-ann', FriendlyName: 'Ann' });
  await twilioFetch(env.emulator, 'POST', `/v2/Services/${service}/Channels`, { UniqueName: 'fresh-reads', CreatedBy: 'fresh-ann' });
});
afterAll(() => env?.close());

const READ = `chatChannel { service { friendlyName } creator { friendlyName } }`;

describe('reads after a write in the same request', () => {
  it('reads what the write changed afresh, through every cache of the request', async () => {
    const res = await env.query(
      `mutation($svc: String!) {
        before: updateChatChannel(input: { serviceSid: $svc, sidOrUniqueName: "fresh-reads", friendlyName: "Fresh" }) { ${READ} }
        service: updateChatService(input: { sid: $svc, friendlyName: "Acme Support (renamed)" }) { userErrors { message } }
        user: updateChatUser(input: { serviceSid: $svc, sidOrIdentity: "fresh-ann", friendlyName: "Ann (renamed)" }) { userErrors { message } }
        after: updateChatChannel(input: { serviceSid: $svc, sidOrUniqueName: "fresh-reads", friendlyName: "Fresh" }) { ${READ} }
      }`,
      { svc: service },
    );
    try {
      expect(res.errors).toBeUndefined();
      expect(res.data.before.chatChannel).toEqual({ service: { friendlyName: 'Acme Support' }, creator: { friendlyName: 'Ann' } });
      expect(res.data.after.chatChannel).toEqual({ service: { friendlyName: 'Acme Support (renamed)' }, creator: { friendlyName: 'Ann (renamed)' } });
    } finally {
      await twilioFetch(env.emulator, 'POST', `/v2/Services/${service}`, { FriendlyName: 'Acme Support' });
    }
  });

  it('sends a read wanted twice between writes once', async () => {
    env.resetCalls();
    const res = await env.query(
      `mutation($svc: String!) {
        a: updateChatChannel(input: { serviceSid: $svc, sidOrUniqueName: "fresh-reads", friendlyName: "Fresh" }) { ${READ} again: ${READ} }
      }`,
      { svc: service },
    );
    expect(res.errors).toBeUndefined();
    expect(env.calls()).toEqual({ 'chat.UpdateChannel': 1, 'chat.FetchService': 1, 'chat.ListUser': 1 });
  });
});
