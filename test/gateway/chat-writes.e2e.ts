/**
 * Chat writes the other files do not make: roles created, changed and
 * deleted, and a message changed, each through the gateway against the
 * emulator, read back in the same request, and refused once by Twilio.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { expectBadInput, ok } from '../support/assertions.ts';
import { twilioFetch } from '../emulator/helpers.ts';

let env: GatewayEnv;
let community: string;

beforeAll(async () => {
  env = await startGateway();
  community = (await twilioFetch(env.emulator, 'GET', '/v2/Services')).body.services.find((s: any) => s.friendly_name === 'Acme Community').sid;
});
afterAll(() => env?.close());
beforeEach(() => env.resetCalls());

const MISSING = '0'.repeat(32);

describe('ChatRole writes', () => {
  it('creates a role, changes its permissions, reads it back and deletes it', async () => {
    const created = await ok(
      env,
      `mutation($service: String!) {
        createChatRole(input: { serviceSid: $service, friendlyName: "release-reviewer", type: CHANNEL, permissions: ["sendMessage", "deleteAnyMessage"] }) {
          chatRole { id sid friendlyName type permissions serviceSid } userErrors { field message }
        }
      }`,
      { service: community },
    );
    const role = created.createChatRole.chatRole;
    expect(created.createChatRole.userErrors).toEqual([]);
    expect(role).toMatchObject({ friendlyName: 'release-reviewer', type: 'CHANNEL', permissions: ['sendMessage', 'deleteAnyMessage'], serviceSid: community });
    expect(role.sid).toMatch(/^RL[0-9a-f]{32}$/);
    expect(env.calls()).toEqual({ 'chat.CreateRole': 1 });

    env.resetCalls();
    const updated = await ok(
      env,
      `mutation($service: String!, $sid: String!) {
        updateChatRole(input: { serviceSid: $service, sid: $sid, permissions: ["sendMessage"] }) { chatRole { sid permissions } userErrors { field } }
      }`,
      { service: community, sid: role.sid },
    );
    expect(updated.updateChatRole).toEqual({ chatRole: { sid: role.sid, permissions: ['sendMessage'] }, userErrors: [] });
    // The answer of the write is the role: nothing is fetched again to show it.
    expect(env.calls()).toEqual({ 'chat.UpdateRole': 1 });

    env.resetCalls();
    const read = await ok(env, `query($id: ID!) { node(id: $id) { ... on ChatRole { permissions } } }`, { id: role.id });
    expect(read.node).toEqual({ permissions: ['sendMessage'] });

    const deleted = await ok(
      env,
      `mutation($service: String!, $sid: String!) { deleteChatRole(input: { serviceSid: $service, sid: $sid }) { deletedId userErrors { field } } }`,
      {
        service: community,
        sid: role.sid,
      },
    );
    expect(deleted.deleteChatRole).toEqual({ deletedId: role.id, userErrors: [] });
    expect((await ok(env, `query($id: ID!) { node(id: $id) { id } }`, { id: role.id })).node).toBeNull();
  });

  it('answers a missing role with userErrors, and a malformed SID before any REST call', async () => {
    const refused = await ok(
      env,
      `mutation($service: String!) { updateChatRole(input: { serviceSid: $service, sid: "RL${MISSING}", permissions: ["sendMessage"] }) { chatRole { sid } userErrors { code } } }`,
      { service: community },
    );
    expect(refused.updateChatRole).toEqual({ chatRole: null, userErrors: [{ code: 'NOT_FOUND' }] });

    env.resetCalls();
    const res = await env.query(`mutation($service: String!) { deleteChatRole(input: { serviceSid: $service, sid: "moderator" }) { deletedId } }`, {
      service: community,
    });
    expectBadInput(res, 'input.sid', env);
  });
});

describe('updateChatMessage', () => {
  it('changes a message in a channel named by unique name, and the same request reads the change', async () => {
    const setup = await ok(
      env,
      `mutation($service: String!) {
        createChatChannel(input: { serviceSid: $service, uniqueName: "edits" }) { chatChannel { sid } }
        createChatMessage(input: { serviceSid: $service, channelSidOrUniqueName: "edits", body: "first draft", from: "amir" }) { chatMessage { sid body } }
      }`,
      { service: community },
    );
    const message = setup.createChatMessage.chatMessage;
    expect(message.body).toBe('first draft');

    env.resetCalls();
    const res = await ok(
      env,
      `mutation($service: String!, $sid: String!) {
        updateChatMessage(input: { serviceSid: $service, channelSidOrUniqueName: "edits", sid: $sid, body: "final", attributes: { edited: true }, lastUpdatedBy: "amir" }) {
          chatMessage { sid body attributes lastUpdatedBy channel { uniqueName messages { nodes { body } } } } userErrors { field }
        }
      }`,
      { service: community, sid: message.sid },
    );
    expect(res.updateChatMessage).toEqual({
      chatMessage: {
        sid: message.sid,
        body: 'final',
        attributes: { edited: true },
        lastUpdatedBy: 'amir',
        channel: { uniqueName: 'edits', messages: { nodes: [{ body: 'final' }] } },
      },
      userErrors: [],
    });

    env.resetCalls();
    const bad = await env.query(
      `mutation($service: String!) { updateChatMessage(input: { serviceSid: $service, channelSidOrUniqueName: "edits", sid: "IM1", body: "x" }) { chatMessage { sid } } }`,
      {
        service: community,
      },
    );
    expectBadInput(bad, 'input.sid', env);
  });
});
