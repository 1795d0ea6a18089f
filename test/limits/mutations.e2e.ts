/**
 * In a request with several mutations, one that fails upstream does not erase
 * the results of those before it: every mutation field is nullable, so the
 * failure nulls its own field only, with its error, and the writes that
 * happened are reported.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isNonNullType } from 'graphql';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { twilioFetch } from '../emulator/helpers.ts';
import { publicSchema } from '../../src/schema/index.ts';

let env: GatewayEnv;
let chat: string;

beforeAll(async () => {
  env = await startGateway();
  chat = (await twilioFetch(env.emulator, 'GET', '/v2/Services')).body.services.find((s: any) => s.friendly_name === 'Acme Support').sid;
});
afterAll(() => env?.close());
beforeEach(() => {
  env.emulator.clearFaults();
  env.resetCalls();
});

describe('several mutations in one request', () => {
  it('keeps the payload of a write that happened when a later one fails with 500', async () => {
    env.emulator.injectFault({ operation: 'chat.CreateUser', status: 500, count: 1 });
    const res = await env.query(
      `mutation($service: String!) {
        first: createChatChannel(input: { serviceSid: $service, uniqueName: "kept-after-failure", friendlyName: "Kept" }) { chatChannel { sid uniqueName } userErrors { message } }
        second: createChatUser(input: { serviceSid: $service, identity: "never-created" }) { chatUser { sid } userErrors { message } }
      }`,
      { service: chat },
    );
    expect(res.data).not.toBeNull();
    expect(res.data.first.userErrors).toEqual([]);
    expect(res.data.first.chatChannel).toMatchObject({ uniqueName: 'kept-after-failure', sid: expect.stringMatching(/^CH[0-9a-f]{32}$/) });
    expect(res.data.second).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.path).toEqual(['second']);
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', status: 500, operation: 'chat.CreateUser' });
    expect(env.calls()).toEqual({ 'chat.CreateChannel': 1, 'chat.CreateUser': 1 });

    // The first write really happened: read it back, through Twilio and through the gateway.
    const stored = await twilioFetch(env.emulator, 'GET', `/v2/Services/${chat}/Channels/kept-after-failure`);
    expect(stored.status).toBe(200);
    expect(stored.body.sid).toBe(res.data.first.chatChannel.sid);
    const read = await env.query(`query($s: String!) { chatService(sid: $s) { channel(sidOrUniqueName: "kept-after-failure") { sid friendlyName } } }`, {
      s: chat,
    });
    expect(read.data.chatService.channel).toEqual({ sid: res.data.first.chatChannel.sid, friendlyName: 'Kept' });
    // And the second did not.
    expect((await twilioFetch(env.emulator, 'GET', `/v2/Services/${chat}/Users/never-created`)).status).toBe(404);
    await twilioFetch(env.emulator, 'DELETE', `/v2/Services/${chat}/Channels/kept-after-failure`);
  });

  it('runs the writes after a failed one, each answering for itself', async () => {
    env.emulator.injectFault({ operation: 'chat.UpdateService', status: 500, count: 1 });
    const res = await env.query(
      `mutation($service: String!) {
        a: updateChatService(input: { sid: $service, friendlyName: "Acme Support" }) { chatService { friendlyName } }
        b: updateChatService(input: { sid: $service, friendlyName: "Acme Support" }) { chatService { friendlyName } }
      }`,
      { service: chat },
    );
    expect(res.data).toEqual({ a: null, b: { chatService: { friendlyName: 'Acme Support' } } });
    expect(res.errors?.map((e) => e.path)).toEqual([['a']]);
  });
});

describe('the schema', () => {
  it('makes every mutation field nullable', () => {
    const fields = Object.values(publicSchema.getMutationType()!.getFields());
    expect(fields.length).toBeGreaterThan(60);
    expect(fields.filter((field) => isNonNullType(field.type)).map((field) => field.name)).toEqual([]);
  });
});

describe("a refusal's field", () => {
  const create = `mutation($service: String!) {
    createChatChannel(input: { serviceSid: $service, friendlyName: "Blamed", type: PRIVATE, webhookEnabled: true }) { chatChannel { sid } userErrors { field message code } }
  }`;
  const refused = async (message: string) => {
    env.emulator.injectFault({ operation: 'chat.CreateChannel', status: 400, code: 20001, message, count: 1 });
    const res = await env.query(create, { service: chat });
    expect(res.errors).toBeUndefined();
    expect(res.data.createChatChannel.chatChannel).toBeNull();
    return res.data.createChatChannel.userErrors[0];
  };

  it('is the input field sent as the parameter Twilio names', async () => {
    expect(await refused('Type must be one of public, private')).toMatchObject({ field: ['input', 'type'], code: 'INVALID_INPUT' });
    expect(await refused('FriendlyName is too long')).toMatchObject({ field: ['input', 'friendlyName'] });
  });

  it("is a body parameter's field before a header's or the path's, when Twilio names several", async () => {
    expect(await refused('X-Twilio-Webhook-Enabled is set, so FriendlyName was checked against ServiceSid')).toMatchObject({
      field: ['input', 'friendlyName'],
    });
    expect(await refused('X-Twilio-Webhook-Enabled is set for ServiceSid')).toMatchObject({ field: ['input', 'webhookEnabled'] });
    expect(await refused('ServiceSid is not a Chat service')).toMatchObject({ field: ['input', 'serviceSid'] });
  });

  it('is null when Twilio names no parameter the mutation sends', async () => {
    expect(await refused('Something else went wrong')).toMatchObject({ field: null, message: 'Something else went wrong' });
  });
});
