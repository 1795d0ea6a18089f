/**
 * The rest of the Chat graph end to end: push credentials and bindings, a
 * user's bindings and channels, channel invites and channel webhooks. Each
 * type is reached through its parent and through `node(id:)`, each mutation
 * succeeds once and is refused once by Twilio, and the emulator counts the
 * REST calls behind every answer.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { expectBadInput, ok, refetch } from '../support/assertions.ts';
import { twilioFetch } from '../emulator/helpers.ts';

let env: GatewayEnv;
let support: string; // "Acme Support": read-only here, so counts stay stable
let community: string; // "Acme Community": the writes happen here

beforeAll(async () => {
  env = await startGateway();
  const services = (await twilioFetch(env.emulator, 'GET', '/v2/Services')).body.services;
  support = services.find((s: any) => s.friendly_name === 'Acme Support').sid;
  community = services.find((s: any) => s.friendly_name === 'Acme Community').sid;
});
afterAll(() => env?.close());
beforeEach(() => env.resetCalls());

const rest = (path: string) => twilioFetch(env.emulator, 'GET', path).then((r) => r.body);
const MISSING = '0'.repeat(32);

describe('ChatCredential', () => {
  it('lists push credentials at the root and refetches one by SID and by node ID', async () => {
    const data = await ok(env, `{ chatCredentials { nodes { id sid friendlyName type sandbox dateCreated url } } }`);
    const byName = Object.fromEntries(data.chatCredentials.nodes.map((c: any) => [c.friendlyName, c]));
    expect(byName['Acme Android']).toMatchObject({ type: 'FCM', sandbox: null });
    expect(byName['Acme iOS']).toMatchObject({ type: 'APN', sandbox: true });
    expect(env.calls()).toEqual({ 'chat.ListCredential': 1 });

    env.resetCalls();
    const ios = byName['Acme iOS'];
    const one = await ok(env, `query($sid: String!) { chatCredential(sid: $sid) { id friendlyName } }`, { sid: ios.sid });
    expect(one.chatCredential).toEqual({ id: ios.id, friendlyName: 'Acme iOS' });
    expect((await refetch(env, ios.id, '... on ChatCredential { type }')).type).toBe('APN');
    expect(env.calls()).toEqual({ 'chat.FetchCredential': 2 });
  });

  it('never offers the secrets as output fields', async () => {
    const data = await ok(env, `{ __type(name: "ChatCredential") { fields { name } } }`);
    const fields = data.__type.fields.map((f: any) => f.name);
    for (const secret of ['certificate', 'privateKey', 'apiKey', 'secret']) expect(fields).not.toContain(secret);
  });

  it('refuses a malformed SID before any REST call', async () => {
    expectBadInput(await env.query(`{ chatCredential(sid: "CR123") { sid } }`), 'sid', env);
    expectBadInput(await env.query(`mutation { deleteChatCredential(input: { sid: "nope" }) { deletedId } }`), 'input.sid', env);
  });

  it('creates, renames and deletes a credential, keeping its secret out of every answer', async () => {
    const created = await ok(
      env,
      `mutation($input: CreateChatCredentialInput!) { createChatCredential(input: $input) { chatCredential { id sid friendlyName type sandbox } userErrors { message } } }`,
      { input: { type: 'FCM', friendlyName: 'Test Android', secret: 'fcm-server-key-TOP-SECRET' } },
    );
    const credential = created.createChatCredential.chatCredential;
    expect(credential).toMatchObject({ friendlyName: 'Test Android', type: 'FCM', sandbox: null });
    expect(created.createChatCredential.userErrors).toEqual([]);
    expect(JSON.stringify(created)).not.toContain('TOP-SECRET');

    const renamed = await ok(
      env,
      `mutation($sid: String!) { updateChatCredential(input: { sid: $sid, friendlyName: "Renamed Android", secret: "fcm-rotated-TOP-SECRET" }) { chatCredential { id friendlyName } userErrors { message } } }`,
      { sid: credential.sid },
    );
    expect(renamed.updateChatCredential).toEqual({ chatCredential: { id: credential.id, friendlyName: 'Renamed Android' }, userErrors: [] });
    expect(JSON.stringify(renamed)).not.toContain('TOP-SECRET');

    env.resetCalls();
    const deleted = await ok(env, `mutation($sid: String!) { deleteChatCredential(input: { sid: $sid }) { deletedId userErrors { message } } }`, {
      sid: credential.sid,
    });
    expect(deleted.deleteChatCredential).toEqual({ deletedId: credential.id, userErrors: [] });
    expect(env.calls()).toEqual({ 'chat.DeleteCredential': 1 });
    expect((await ok(env, `query($sid: String!) { chatCredential(sid: $sid) { sid } }`, { sid: credential.sid })).chatCredential).toBeNull();
  });

  it("puts Twilio's refusals in userErrors, without the secrets given", async () => {
    // An APN credential needs a certificate.
    const res = await env.query(
      `mutation($input: CreateChatCredentialInput!) { createChatCredential(input: $input) { chatCredential { sid } userErrors { field message code } } }`,
      { input: { type: 'APN', friendlyName: 'Broken iOS', privateKey: '-----BEGIN RSA PRIVATE KEY-----TOP-SECRET' } },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.createChatCredential.chatCredential).toBeNull();
    expect(res.data.createChatCredential.userErrors).toEqual([
      { field: ['input', 'certificate'], message: expect.stringContaining('Certificate'), code: 'INVALID_INPUT' },
    ]);
    expect(JSON.stringify(res)).not.toContain('TOP-SECRET');

    const missing = `CR${MISSING}`;
    const update = await ok(
      env,
      `mutation { updateChatCredential(input: { sid: "${missing}", apiKey: "gcm-TOP-SECRET" }) { chatCredential { sid } userErrors { code } } }`,
    );
    expect(update.updateChatCredential).toEqual({ chatCredential: null, userErrors: [{ code: 'NOT_FOUND' }] });
    const del = await ok(env, `mutation { deleteChatCredential(input: { sid: "${missing}" }) { deletedId userErrors { code } } }`);
    expect(del.deleteChatCredential).toEqual({ deletedId: null, userErrors: [{ code: 'NOT_FOUND' }] });
  });

  it('keeps the secrets out of a refusal or an error that quotes them back', async () => {
    const create = `mutation($input: CreateChatCredentialInput!) { createChatCredential(input: $input) { chatCredential { sid } userErrors { field message code twilioCode } } }`;
    const secrets = { certificate: '-----BEGIN CERTIFICATE-----CERT-TOP-SECRET', privateKey: '-----BEGIN RSA PRIVATE KEY-----KEY-TOP-SECRET' };
    env.emulator.injectFault({
      operation: 'chat.CreateCredential',
      status: 400,
      code: 20001,
      message: `Invalid parameter PrivateKey: ${secrets.privateKey} does not match ${secrets.certificate}`,
    });
    const refused = await env.query(create, { input: { type: 'APN', ...secrets } });
    expect(refused.data.createChatCredential).toEqual({
      chatCredential: null,
      userErrors: [
        {
          field: ['input', 'privateKey'],
          message: 'Invalid parameter PrivateKey: [redacted] does not match [redacted]',
          code: 'INVALID_INPUT',
          twilioCode: 20001,
        },
      ],
    });

    env.emulator.injectFault({ operation: 'chat.UpdateCredential', status: 500, message: 'Upstream failure for fcm-TOP-SECRET' });
    const failed = await env.query(`mutation { updateChatCredential(input: { sid: "CR${MISSING}", secret: "fcm-TOP-SECRET" }) { chatCredential { sid } } }`);
    expect(failed.errors?.[0]).toMatchObject({
      message: 'Upstream failure for [redacted]',
      extensions: { code: 'UPSTREAM_ERROR', operation: 'chat.UpdateCredential' },
    });
    for (const answer of [refused, failed]) expect(JSON.stringify(answer)).not.toContain('TOP-SECRET');
  });
});

describe('ChatBinding', () => {
  const BINDINGS = /* GraphQL */ `
    query($sid: String!) {
      chatService(sid: $sid) {
        bindings(first: 50) { nodes { id sid identity bindingType endpoint messageTypes credentialSid user { sid identity } credential { sid type friendlyName } } }
      }
    }`;

  it("reads a service's bindings with their users and credentials in three REST calls", async () => {
    const data = await ok(env, BINDINGS, { sid: support });
    const bindings = data.chatService.bindings.nodes;
    expect(bindings).toHaveLength(8);
    for (const b of bindings) {
      expect(b.user.identity).toBe(b.identity);
      expect(b.credential.sid).toBe(b.credentialSid);
      expect(b.messageTypes).toEqual(['new_message', 'added_to_channel']);
      expect(['APN', 'FCM']).toContain(b.bindingType);
    }
    // 1 ListBinding (the service itself is not fetched: only its list is asked for),
    // 1 FetchCredential (all eight share one credential), 1 ListUser (every user, one page).
    expect(env.calls()).toEqual({ 'chat.ListBinding': 1, 'chat.FetchCredential': 1, 'chat.ListUser': 1 });
    expect(env.totalCalls()).toBe(3);
  });

  it('filters by identity and binding type, and refetches a binding by SID and node ID', async () => {
    const data = await ok(
      env,
      `query($sid: String!) { chatService(sid: $sid) {
        alice: bindings(identity: ["alice"]) { nodes { id sid identity } }
        apn: bindings(bindingType: [APN]) { nodes { bindingType } }
      } }`,
      { sid: support },
    );
    const [alice] = data.chatService.alice.nodes;
    expect(data.chatService.alice.nodes).toHaveLength(1);
    expect(alice.identity).toBe('alice');
    expect(data.chatService.apn.nodes.length).toBeGreaterThan(0);
    for (const b of data.chatService.apn.nodes) expect(b.bindingType).toBe('APN');

    const one = await ok(env, `query($s: String!, $b: String!) { chatService(sid: $s) { binding(sid: $b) { id identity } } }`, { s: support, b: alice.sid });
    expect(one.chatService.binding).toEqual({ id: alice.id, identity: 'alice' });
    const node = await refetch(env, alice.id, '... on ChatBinding { sid service { sid } }');
    expect(node).toMatchObject({ __typename: 'ChatBinding', sid: alice.sid, service: { sid: support } });
  });

  it('refuses a malformed binding SID before fetching it', async () => {
    const res = await env.query(`query($s: String!) { chatService(sid: $s) { binding(sid: "BS1") { sid } } }`, { s: support });
    expectBadInput(res, 'sid');
    expect(env.calls()['chat.FetchBinding']).toBeUndefined();
    env.resetCalls();
    expectBadInput(await env.query(`mutation { deleteChatBinding(input: { serviceSid: "${community}", sid: "BS1" }) { deletedId } }`), 'input.sid', env);
  });

  it('deletes a binding, and puts a refusal in userErrors', async () => {
    const [binding] = (await rest(`/v2/Services/${community}/Bindings?PageSize=1`)).bindings;
    const id = (await ok(env, `query($s: String!, $b: String!) { chatService(sid: $s) { binding(sid: $b) { id } } }`, { s: community, b: binding.sid }))
      .chatService.binding.id;
    env.resetCalls();
    const mutation = `mutation($s: String!, $b: String!) { deleteChatBinding(input: { serviceSid: $s, sid: $b }) { deletedId userErrors { code twilioCode } } }`;
    const deleted = await ok(env, mutation, { s: community, b: binding.sid });
    expect(deleted.deleteChatBinding).toEqual({ deletedId: id, userErrors: [] });
    expect(env.calls()).toEqual({ 'chat.DeleteBinding': 1 });
    const again = await ok(env, mutation, { s: community, b: binding.sid });
    expect(again.deleteChatBinding).toEqual({ deletedId: null, userErrors: [{ code: 'NOT_FOUND', twilioCode: 20404 }] });
  });
});

describe('ChatUserBinding', () => {
  it("reads a user's bindings with the user and credential, and refetches one", async () => {
    const data = await ok(
      env,
      `query($s: String!) { chatService(sid: $s) { user(sidOrIdentity: "bob") { sid bindings { nodes { id sid identity userSid bindingType user { identity } credential { type } } } } } }`,
      { s: support },
    );
    const user = data.chatService.user;
    const [binding] = user.bindings.nodes;
    expect(user.bindings.nodes).toHaveLength(1);
    expect(binding).toMatchObject({ identity: 'bob', userSid: user.sid, user: { identity: 'bob' }, credential: { type: 'FCM' } });
    // FetchUser (its sid is asked for, and it was named by identity), one ListUserBinding and one FetchCredential; the user
    // is the one already read. Was 4: the service, asked for nothing of its own, is no longer fetched (its SID is the path).
    expect(env.calls()).toEqual({ 'chat.FetchUser': 1, 'chat.ListUserBinding': 1, 'chat.FetchCredential': 1 });

    const none = await ok(
      env,
      `query($s: String!) { chatService(sid: $s) { user(sidOrIdentity: "bob") { bindings(bindingType: [APN, GCM]) { nodes { sid } } } } }`,
      { s: support },
    );
    expect(none.chatService.user.bindings.nodes).toEqual([]);

    const one = await ok(env, `query($s: String!, $b: String!) { chatService(sid: $s) { user(sidOrIdentity: "bob") { binding(sid: $b) { id } } } }`, {
      s: support,
      b: binding.sid,
    });
    expect(one.chatService.user.binding.id).toBe(binding.id);
    expect(await refetch(env, binding.id, '... on ChatUserBinding { sid endpoint }')).toMatchObject({ __typename: 'ChatUserBinding', sid: binding.sid });
  });

  it('refuses malformed SIDs before any REST call', async () => {
    expectBadInput(
      await env.query(`mutation { deleteChatUserBinding(input: { serviceSid: "${community}", userSidOrIdentity: "bob", sid: "nope" }) { deletedId } }`),
      'input.sid',
      env,
    );
    expectBadInput(
      await env.query(`mutation { deleteChatUserBinding(input: { serviceSid: "${community}", userSidOrIdentity: " ", sid: "BS${MISSING}" }) { deletedId } }`),
      'input.userSidOrIdentity',
      env,
    );
  });

  it("deletes a user's binding named by identity, and puts a refusal in userErrors", async () => {
    const user = await rest(`/v2/Services/${community}/Users/carol`);
    const [binding] = (await rest(`/v2/Services/${community}/Users/carol/Bindings`)).bindings;
    const mutation = `mutation($s: String!, $b: String!) { deleteChatUserBinding(input: { serviceSid: $s, userSidOrIdentity: "carol", sid: $b }) { deletedId userErrors { code } } }`;
    env.resetCalls();
    const deleted = await ok(env, mutation, { s: community, b: binding.sid });
    // The deleted ID carries the user's SID, read with the binding before deleting it.
    expect(deleted.deleteChatUserBinding.deletedId).toBe(Buffer.from(`v1:ChatUserBinding:${community}:${user.sid}:${binding.sid}`).toString('base64url'));
    expect(env.calls()).toEqual({ 'chat.FetchUserBinding': 1, 'chat.DeleteUserBinding': 1 });
    expect((await rest(`/v2/Services/${community}/Bindings?Identity=carol`)).bindings).toEqual([]);
    const again = await ok(env, mutation, { s: community, b: binding.sid });
    expect(again.deleteChatUserBinding).toEqual({ deletedId: null, userErrors: [{ code: 'NOT_FOUND' }] });
  });
});

describe('ChatInvite', () => {
  it("reads a channel's invites with the invited user, role and channel, and refetches one", async () => {
    const data = await ok(
      env,
      `query($s: String!) { chatService(sid: $s) { channel(sidOrUniqueName: "general") { sid invites { nodes { id sid identity createdBy user { identity } role { friendlyName } channel { uniqueName } service { sid } } } } } }`,
      { s: support },
    );
    const channel = data.chatService.channel;
    const [invite] = channel.invites.nodes;
    expect(channel.invites.nodes).toHaveLength(1);
    expect(invite).toMatchObject({
      createdBy: 'system',
      role: { friendlyName: 'channel user' },
      channel: { uniqueName: 'general' },
      service: { sid: support },
    });
    expect(invite.user.identity).toBe(invite.identity);

    const filtered = await ok(
      env,
      `query($s: String!) { chatService(sid: $s) { channel(sidOrUniqueName: "general") { invites(identity: ["nobody"]) { nodes { sid } } } } }`,
      { s: support },
    );
    expect(filtered.chatService.channel.invites.nodes).toEqual([]);

    env.resetCalls();
    const one = await ok(env, `query($s: String!, $i: String!) { chatService(sid: $s) { channel(sidOrUniqueName: "general") { invite(sid: $i) { id } } } }`, {
      s: support,
      i: invite.sid,
    });
    expect(one.chatService.channel.invite.id).toBe(invite.id);
    // One FetchInvite at /Channels/general/Invites/IN…: was 3, but the service and the channel, asked for nothing of their
    // own, are only the path (Twilio takes the channel's unique name there).
    expect(env.calls()).toEqual({ 'chat.FetchInvite': 1 });
    expect(await refetch(env, invite.id, '... on ChatInvite { identity channelSid }')).toMatchObject({
      __typename: 'ChatInvite',
      identity: invite.identity,
      channelSid: channel.sid,
    });
  });

  it('refuses malformed SIDs before any REST call', async () => {
    expectBadInput(
      await env.query(
        `mutation { createChatInvite(input: { serviceSid: "${community}", channelSidOrUniqueName: "general", identity: "zoe", roleSid: "RL1" }) { chatInvite { sid } } }`,
      ),
      'input.roleSid',
      env,
    );
    expectBadInput(
      await env.query(`mutation { deleteChatInvite(input: { serviceSid: "${community}", channelSidOrUniqueName: "general", sid: "IN1" }) { deletedId } }`),
      'input.sid',
      env,
    );
  });

  it('invites a user to a channel named by unique name, withdraws the invite, and puts refusals in userErrors', async () => {
    const members = (await rest(`/v2/Services/${community}/Channels/general/Members?PageSize=100`)).members.map((m: any) => m.identity);
    const create = `mutation($s: String!, $who: String!) { createChatInvite(input: { serviceSid: $s, channelSidOrUniqueName: "general", identity: $who }) {
      chatInvite { id sid identity channel { uniqueName } role { friendlyName } } userErrors { field message code twilioCode } } }`;
    const created = await ok(env, create, { s: community, who: 'newcomer' });
    const invite = created.createChatInvite.chatInvite;
    expect(invite).toMatchObject({ identity: 'newcomer', channel: { uniqueName: 'general' }, role: { friendlyName: 'channel user' } });

    // A member cannot be invited to the channel.
    const refused = await ok(env, create, { s: community, who: members[0] });
    expect(refused.createChatInvite).toEqual({
      chatInvite: null,
      userErrors: [{ field: ['input', 'identity'], message: expect.stringContaining('already a member'), code: 'INVALID_INPUT', twilioCode: 50404 }],
    });

    env.resetCalls();
    const remove = `mutation($s: String!, $i: String!) { deleteChatInvite(input: { serviceSid: $s, channelSidOrUniqueName: "general", sid: $i }) { deletedId userErrors { code } } }`;
    const deleted = await ok(env, remove, { s: community, i: invite.sid });
    expect(deleted.deleteChatInvite).toEqual({ deletedId: invite.id, userErrors: [] });
    // The channel named by unique name is read once for the SID the deleted ID carries.
    expect(env.calls()).toEqual({ 'chat.FetchChannel': 1, 'chat.DeleteInvite': 1 });
    const again = await ok(env, remove, { s: community, i: invite.sid });
    expect(again.deleteChatInvite).toEqual({ deletedId: null, userErrors: [{ code: 'NOT_FOUND' }] });
  });
});

describe('ChatChannelWebhook', () => {
  it("reads a channel's webhooks with their configuration, and refetches one", async () => {
    const data = await ok(
      env,
      `query($s: String!) { chatService(sid: $s) { channel(sidOrUniqueName: "general") { webhooks { nodes { id sid type channel { uniqueName }
        configuration { url method filters triggers flowSid retryCount } } } } } }`,
      { s: support },
    );
    const [webhook] = data.chatService.channel.webhooks.nodes;
    expect(webhook).toMatchObject({
      type: 'WEBHOOK',
      channel: { uniqueName: 'general' },
      configuration: {
        url: 'https://hooks.example.com/chat/general',
        method: 'POST',
        filters: ['onMessageSent', 'onMemberAdded'],
        triggers: null,
        flowSid: null,
        retryCount: 0,
      },
    });
    const one = await ok(env, `query($s: String!, $w: String!) { chatService(sid: $s) { channel(sidOrUniqueName: "general") { webhook(sid: $w) { id } } } }`, {
      s: support,
      w: webhook.sid,
    });
    expect(one.chatService.channel.webhook.id).toBe(webhook.id);
    expect(await refetch(env, webhook.id, '... on ChatChannelWebhook { type configuration { url } }')).toMatchObject({
      __typename: 'ChatChannelWebhook',
      type: 'WEBHOOK',
    });
  });

  it('refuses a malformed flow SID before any REST call', async () => {
    expectBadInput(
      await env.query(
        `mutation { createChatChannelWebhook(input: { serviceSid: "${community}", channelSidOrUniqueName: "general", type: STUDIO, configurationFlowSid: "FW1" }) { chatChannelWebhook { sid } } }`,
      ),
      'input.configurationFlowSid',
      env,
    );
    expectBadInput(await env.query(`{ node(id: "x") { id } }`), 'id', env);
  });

  it('creates trigger and Studio webhooks, updates and deletes one, and puts refusals in userErrors', async () => {
    const create = `mutation($input: CreateChatChannelWebhookInput!) { createChatChannelWebhook(input: $input) {
      chatChannelWebhook { id sid type configuration { url method triggers flowSid retryCount } } userErrors { field message code } } }`;
    const base = { serviceSid: community, channelSidOrUniqueName: 'general' };
    const trigger = await ok(env, create, {
      input: {
        ...base,
        type: 'TRIGGER',
        configurationUrl: 'https://bots.example.com/help',
        configurationMethod: 'GET',
        configurationTriggers: ['!help', '!status'],
        configurationRetryCount: 2,
      },
    });
    const webhook = trigger.createChatChannelWebhook.chatChannelWebhook;
    expect(webhook).toMatchObject({
      type: 'TRIGGER',
      configuration: { url: 'https://bots.example.com/help', method: 'GET', triggers: ['!help', '!status'], retryCount: 2 },
    });
    const studio = await ok(env, create, { input: { ...base, type: 'STUDIO', configurationFlowSid: `FW${'1'.repeat(32)}` } });
    expect(studio.createChatChannelWebhook.chatChannelWebhook).toMatchObject({ type: 'STUDIO', configuration: { flowSid: `FW${'1'.repeat(32)}` } });

    // A WEBHOOK webhook needs a URL.
    const refused = await ok(env, create, { input: { ...base, type: 'WEBHOOK', configurationFilters: ['onMessageSent'] } });
    expect(refused.createChatChannelWebhook).toEqual({
      chatChannelWebhook: null,
      userErrors: [{ field: ['input', 'configurationUrl'], message: expect.stringContaining('Configuration.Url'), code: 'INVALID_INPUT' }],
    });

    const update = `mutation($input: UpdateChatChannelWebhookInput!) { updateChatChannelWebhook(input: $input) { chatChannelWebhook { id configuration { method triggers } } userErrors { code } } }`;
    const updated = await ok(env, update, { input: { ...base, sid: webhook.sid, configurationMethod: 'POST', configurationTriggers: ['!help'] } });
    expect(updated.updateChatChannelWebhook).toEqual({
      chatChannelWebhook: { id: webhook.id, configuration: { method: 'POST', triggers: ['!help'] } },
      userErrors: [],
    });
    const missing = await ok(env, update, { input: { ...base, sid: `WH${MISSING}`, configurationRetryCount: 1 } });
    expect(missing.updateChatChannelWebhook).toEqual({ chatChannelWebhook: null, userErrors: [{ code: 'NOT_FOUND' }] });

    const remove = `mutation($input: DeleteChatChannelWebhookInput!) { deleteChatChannelWebhook(input: $input) { deletedId userErrors { code } } }`;
    const channelSid = (await rest(`/v2/Services/${community}/Channels/general`)).sid;
    env.resetCalls();
    const deleted = await ok(env, remove, { input: { serviceSid: community, channelSidOrUniqueName: channelSid, sid: webhook.sid } });
    expect(deleted.deleteChatChannelWebhook).toEqual({ deletedId: webhook.id, userErrors: [] });
    // Named by SIDs, the webhook is deleted in one call.
    expect(env.calls()).toEqual({ 'chat.DeleteChannelWebhook': 1 });
    const again = await ok(env, remove, { input: { ...base, sid: webhook.sid } });
    expect(again.deleteChatChannelWebhook).toEqual({ deletedId: null, userErrors: [{ code: 'NOT_FOUND' }] });
  });
});

describe('ChatUserChannel', () => {
  it("reads a user's channels with channel and membership, counting the calls", async () => {
    const data = await ok(
      env,
      `query($s: String!) { chatService(sid: $s) { users(first: 1) { nodes { identity channels(first: 3) { nodes { id channelSid memberSid status notificationLevel unreadMessagesCount lastConsumedMessageIndex
        user { identity } channel { sid messagesCount } member { sid identity lastConsumedMessageIndex } } } } } } }`,
      { s: support },
    );
    const [user] = data.chatService.users.nodes;
    const channels = user.channels.nodes;
    expect(channels).toHaveLength(3);
    for (const c of channels) {
      expect(c).toMatchObject({ status: 'JOINED', notificationLevel: 'DEFAULT', user: { identity: user.identity } });
      expect(c.channel.sid).toBe(c.channelSid);
      expect(c.member).toMatchObject({ sid: c.memberSid, identity: user.identity, lastConsumedMessageIndex: c.lastConsumedMessageIndex });
      expect(c.unreadMessagesCount).toBeLessThanOrEqual(c.channel.messagesCount);
    }
    // 1 ListUser (the service is only a path), 1 ListUserChannel, 1 ListChannel for the three channels
    // of one service, and one ListMember per channel, which serves every membership of that channel the
    // request links to (Twilio has no member list across channels).
    expect(env.calls()).toEqual({ 'chat.ListUser': 1, 'chat.ListUserChannel': 1, 'chat.ListChannel': 1, 'chat.ListMember': 3 });
    expect(env.totalCalls()).toBe(6);
  });

  it('reads one channel of a user by unique name, and refetches it by node ID', async () => {
    const [membership] = (await rest(`/v2/Services/${support}/Users/alice/Channels?PageSize=1`)).channels;
    const channel = await rest(`/v2/Services/${support}/Channels/${membership.channel_sid}`);
    const data = await ok(
      env,
      `query($s: String!, $c: String!) { chatService(sid: $s) { user(sidOrIdentity: "alice") { channel(sidOrUniqueName: $c) { id channelSid status } } } }`,
      {
        s: support,
        c: channel.unique_name,
      },
    );
    const userChannel = data.chatService.user.channel;
    expect(userChannel).toMatchObject({ channelSid: channel.sid, status: 'JOINED' });
    expect(await refetch(env, userChannel.id, '... on ChatUserChannel { channel { uniqueName } }')).toMatchObject({
      __typename: 'ChatUserChannel',
      channel: { uniqueName: channel.unique_name },
    });
    const outside = await ok(
      env,
      `query($s: String!) { chatService(sid: $s) { user(sidOrIdentity: "alice") { channel(sidOrUniqueName: "no-such-channel") { id } } } }`,
      { s: support },
    );
    expect(outside.chatService.user.channel).toBeNull();
  });

  it('refuses malformed SIDs before any REST call', async () => {
    expectBadInput(
      await env.query(
        `mutation { updateChatUserChannel(input: { serviceSid: "IS1", userSidOrIdentity: "alice", channelSidOrUniqueName: "general", notificationLevel: MUTED }) { chatUserChannel { status } } }`,
      ),
      'input.serviceSid',
      env,
    );
    expectBadInput(
      await env.query(
        `mutation { deleteChatUserChannel(input: { serviceSid: "${community}", userSidOrIdentity: "alice", channelSidOrUniqueName: "" }) { deletedId } }`,
      ),
      'input.channelSidOrUniqueName',
      env,
    );
  });

  it('mutes a channel and moves the read position, then the user leaves it; refusals land in userErrors', async () => {
    const [membership] = (await rest(`/v2/Services/${community}/Users/alice/Channels?PageSize=1`)).channels;
    const channel = await rest(`/v2/Services/${community}/Channels/${membership.channel_sid}`);
    const vars = { s: community, c: channel.unique_name };
    const update = `mutation($s: String!, $c: String!) { updateChatUserChannel(input: { serviceSid: $s, userSidOrIdentity: "alice", channelSidOrUniqueName: $c,
      notificationLevel: MUTED, lastConsumedMessageIndex: 0, lastConsumptionTimestamp: "2025-01-01T00:00:00Z" }) {
      chatUserChannel { id notificationLevel lastConsumedMessageIndex member { lastConsumedMessageIndex } } userErrors { code } } }`;
    const updated = await ok(env, update, vars);
    expect(updated.updateChatUserChannel.userErrors).toEqual([]);
    expect(updated.updateChatUserChannel.chatUserChannel).toMatchObject({
      notificationLevel: 'MUTED',
      lastConsumedMessageIndex: 0,
      member: { lastConsumedMessageIndex: 0 },
    });
    const id = updated.updateChatUserChannel.chatUserChannel.id;

    env.resetCalls();
    const leave = `mutation($s: String!, $c: String!) { deleteChatUserChannel(input: { serviceSid: $s, userSidOrIdentity: "alice", channelSidOrUniqueName: $c }) { deletedId userErrors { code } } }`;
    const left = await ok(env, leave, vars);
    expect(left.deleteChatUserChannel).toEqual({ deletedId: id, userErrors: [] });
    // Named by identity and unique name, the user channel is read once for the SIDs the deleted ID carries.
    expect(env.calls()).toEqual({ 'chat.FetchUserChannel': 1, 'chat.DeleteUserChannel': 1 });
    expect((await rest(`/v2/Services/${community}/Channels/${channel.sid}/Members?Identity=alice`)).members).toEqual([]);

    // Alice is no longer in the channel: both writes are refused.
    const again = await ok(env, leave, vars);
    expect(again.deleteChatUserChannel).toEqual({ deletedId: null, userErrors: [{ code: 'NOT_FOUND' }] });
    const stale = await ok(env, update, vars);
    expect(stale.updateChatUserChannel).toEqual({ chatUserChannel: null, userErrors: [{ code: 'NOT_FOUND' }] });
  });
});

describe('ChatMessage', () => {
  it('serves its type as TEXT or MEDIA, with its service and channel SIDs', async () => {
    const [channel] = (await rest(`/v2/Services/${community}/Channels?PageSize=1`)).channels;
    env.resetCalls();
    const create = `mutation($input: CreateChatMessageInput!) { createChatMessage(input: $input) { chatMessage { type serviceSid channelSid media } userErrors { message } } }`;
    const base = { serviceSid: community, channelSidOrUniqueName: channel.sid };
    const text = await ok(env, create, { input: { ...base, body: 'Plain text' } });
    expect(text.createChatMessage).toEqual({ chatMessage: { type: 'TEXT', serviceSid: community, channelSid: channel.sid, media: null }, userErrors: [] });
    const media = await ok(env, create, { input: { ...base, mediaSid: `ME${'a'.repeat(32)}` } });
    expect(media.createChatMessage.chatMessage).toMatchObject({
      type: 'MEDIA',
      serviceSid: community,
      channelSid: channel.sid,
      media: { sid: `ME${'a'.repeat(32)}` },
    });
    expect(env.calls()).toEqual({ 'chat.CreateMessage': 2 });
  });
});
