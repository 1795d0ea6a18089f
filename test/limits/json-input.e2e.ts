/**
 * JSON input (`attributes` and every other `JSON` field) nested deeper than
 * 100 levels or longer than 64 KiB is BAD_USER_INPUT naming the field, with
 * no REST call, never "Unexpected error" or a stack overflow. Both ways in
 * are checked: variables, and literals in the document. JSON Twilio already
 * holds too deep is served as its text.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGateway, type GatewayEnv, type GraphQLResponse } from '../support/harness.ts';
import { expectBadInput } from '../support/assertions.ts';
import { twilioFetch } from '../emulator/helpers.ts';

let env: GatewayEnv;
let chat: string; // Chat service "Acme Support"

beforeAll(async () => {
  // The document limits raised (brackets may nest 130 deep), so that the JSON bounds, not the document's, refuse these literals.
  env = await startGateway({ gateway: { documentLimits: { maxDepth: 100, maxTokens: 10_000 } } });
  const rest = (path: string) => twilioFetch(env.emulator, 'GET', path).then((r) => r.body);
  chat = (await rest('/v2/Services')).services.find((s: any) => s.friendly_name === 'Acme Support').sid;
});
afterAll(() => env?.close());
beforeEach(() => env.resetCalls());

/** POSTs a body given as JSON text: the test process cannot JSON.stringify what it builds 5,000 levels deep. */
async function postRaw(body: string): Promise<GraphQLResponse> {
  const res = await fetch(`${env.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, ...((await res.json()) as object) };
}

/** JSON text nested `depth` levels: {"a":{"a":…1…}}. */
const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
/** The same as a GraphQL literal: {a:{a:…1…}}. */
const nestedLiteral = (depth: number) => '{a:'.repeat(depth) + '1' + '}'.repeat(depth);

describe('JSON nested too deep', () => {
  const CREATE = `mutation($input: CreateChatChannelInput!) { createChatChannel(input: $input) { chatChannel { sid attributes } userErrors { message } } }`;

  it('in a variable (5,000 levels) is BAD_USER_INPUT naming the field, with no REST call', async () => {
    const res = await postRaw(
      `{"query":${JSON.stringify(CREATE)},"variables":{"input":{"serviceSid":"${chat}","friendlyName":"deep","attributes":${nested(5000)}}}}`,
    );
    expectBadInput(res, 'input.attributes', env);
    expect(res.errors![0]!.message).toMatch(/100 levels/);
  });

  it('in a variable of its own is BAD_USER_INPUT naming the variable, with no REST call', async () => {
    const query = `mutation($a: JSON) { createChatChannel(input: { serviceSid: "${chat}", friendlyName: "deep", attributes: $a }) { chatChannel { sid } } }`;
    const res = await postRaw(`{"query":${JSON.stringify(query)},"variables":{"a":${nested(5000)}}}`);
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors![0]!.message).toContain('"$a"');
    expect(env.totalCalls()).toBe(0);
  });

  it('in a literal of the document is BAD_USER_INPUT naming the field, with no REST call', async () => {
    const res = await env.query(
      `mutation { createChatChannel(input: { serviceSid: "${chat}", friendlyName: "deep", attributes: ${nestedLiteral(110)} }) { chatChannel { sid } } }`,
    );
    expectBadInput(res, 'input.attributes', env);
  });

  it('in a variable inside a literal is bounded as a variable, with no REST call', async () => {
    const query = `mutation($a: JSON) { createChatChannel(input: { serviceSid: "${chat}", friendlyName: "deep", attributes: { wrapped: $a } }) { chatChannel { sid } } }`;
    const res = await postRaw(`{"query":${JSON.stringify(query)},"variables":{"a":${nested(5000)}}}`);
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]!.extensions?.code).toBe('BAD_USER_INPUT');
    expect(env.totalCalls()).toBe(0);
  });

  it("in a variable's default value is BAD_USER_INPUT naming the variable, with no REST call", async () => {
    const res = await env.query(
      `mutation($a: JSON = ${nestedLiteral(110)}) { createChatChannel(input: { serviceSid: "${chat}", friendlyName: "deep", attributes: $a }) { chatChannel { sid } } }`,
    );
    expectBadInput(res, '$a', env);
  });

  it('up to 100 levels is written and read back as sent, both ways in', async () => {
    const viaVariable = await postRaw(
      `{"query":${JSON.stringify(CREATE)},"variables":{"input":{"serviceSid":"${chat}","friendlyName":"deep-100","attributes":${nested(100)}}}}`,
    );
    expect(viaVariable.errors).toBeUndefined();
    const viaLiteral = await env.query(
      `mutation { createChatChannel(input: { serviceSid: "${chat}", friendlyName: "deep-100b", attributes: ${nestedLiteral(100)} }) { chatChannel { sid attributes } } }`,
    );
    expect(viaLiteral.errors).toBeUndefined();
    for (const created of [viaVariable.data.createChatChannel.chatChannel, viaLiteral.data.createChatChannel.chatChannel]) {
      const stored = await twilioFetch(env.emulator, 'GET', `/v2/Services/${chat}/Channels/${created.sid}`);
      expect(stored.body.attributes).toBe(nested(100));
      await twilioFetch(env.emulator, 'DELETE', `/v2/Services/${chat}/Channels/${created.sid}`);
    }
  });
});

describe('JSON in a document with the default limits', () => {
  it('nested deeper than the document may nest is refused before parsing, with no REST call', async () => {
    await using plain = await startGateway();
    const res = await plain.query(
      `mutation { createChatChannel(input: { serviceSid: "${chat}", friendlyName: "deep", attributes: ${nestedLiteral(100)} }) { chatChannel { sid } } }`,
    );
    expect(res.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_DEEP' });
    expect(plain.totalCalls()).toBe(0);
  });
});

describe('JSON too large', () => {
  it('over 64 KiB in a variable is BAD_USER_INPUT naming the field, with no REST call', async () => {
    const res = await env.query(`mutation($input: CreateChatChannelInput!) { createChatChannel(input: $input) { chatChannel { sid } } }`, {
      input: { serviceSid: chat, friendlyName: 'large', attributes: { text: 'x'.repeat(70_000) } },
    });
    expectBadInput(res, 'input.attributes', env);
    expect(res.errors![0]!.message).toMatch(/65536 bytes/);
  });

  it('over 64 KiB in a literal is BAD_USER_INPUT naming the field, with no REST call', async () => {
    const res = await env.query(
      `mutation { createChatChannel(input: { serviceSid: "${chat}", friendlyName: "large", attributes: { text: "${'x'.repeat(70_000)}" } }) { chatChannel { sid } } }`,
    );
    expectBadInput(res, 'input.attributes', env);
  });
});

describe('JSON Twilio holds nested too deep', () => {
  it('is served as its text, not a server error', async () => {
    // 2,500 levels: far deeper than the JSON scalar takes, within the 16 KiB Twilio keeps for a channel's attributes.
    const created = await twilioFetch(env.emulator, 'POST', `/v2/Services/${chat}/Channels`, { FriendlyName: 'stored deep', Attributes: nested(2500) });
    try {
      const res = await env.query(`query($c: String!) { chatService(sid: "${chat}") { channel(sidOrUniqueName: $c) { attributes } } }`, {
        c: created.body.sid,
      });
      expect(res.errors).toBeUndefined();
      expect(res.data.chatService.channel.attributes).toBe(nested(2500));
    } finally {
      await twilioFetch(env.emulator, 'DELETE', `/v2/Services/${chat}/Channels/${created.body.sid}`);
    }
  });
});
