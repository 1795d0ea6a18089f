/**
 * Global IDs are decoded the same whether or not the schema has been built:
 * the node types are those NODE_KEY_PARTS lists, and the build checks that
 * they are exactly the schema's Node types.
 */
import { describe, expect, it } from 'vitest';
import { buildSchema } from 'graphql';
import { checkNodeTypes, decodeGlobalId, encodeGlobalId } from '../../src/schema/shared/global-id.ts';
import { NODE_KEY_PARTS } from '../../src/schema/shared/node-keys.ts';

const SERVICE = `IS${'a'.repeat(32)}`;
const idOf = (typename: string) => Buffer.from(`v1:${typename}:${SERVICE}`).toString('base64url');

function decodings() {
  return ['ChatService', 'ChatServiceConnection', 'Query', 'constructor', 'toString'].map((typename) => {
    try {
      return decodeGlobalId(idOf(typename)).typename;
    } catch (error) {
      return (error as Error).message;
    }
  });
}

describe('decodeGlobalId', () => {
  it('takes IDs of node types only, before the schema is built as after', async () => {
    const before = decodings();
    expect(before[0]).toBe('ChatService');
    for (const refused of before.slice(1)) expect(refused).toMatch(/which is not a node type$/);
    await import('../../src/schema/index.ts');
    expect(decodings()).toEqual(before);
    // Building the schema takes a few seconds.
  }, 60_000);

  it('reads back what encodeGlobalId wrote', () => {
    expect(decodeGlobalId(encodeGlobalId('ChatChannel', `${SERVICE}:general`))).toEqual({ typename: 'ChatChannel', id: `${SERVICE}:general` });
  });
});

describe('checkNodeTypes', () => {
  it("passes the gateway's schema", async () => {
    const { publicSchema, schema } = await import('../../src/schema/index.ts');
    expect(() => checkNodeTypes(publicSchema)).not.toThrow();
    expect(() => checkNodeTypes(schema)).not.toThrow();
  }, 60_000);

  it('refuses a schema whose Node types differ from NODE_KEY_PARTS, naming each difference', () => {
    const known = Object.keys(NODE_KEY_PARTS).filter((name) => name !== 'SafeListNumber');
    const sdl = [
      'interface Node { id: ID! }',
      ...known.map((name) => `type ${name} implements Node { id: ID! }`),
      'type Stranger implements Node { id: ID! }',
      `type Query { node: Node }`,
    ].join('\n');
    expect(() => checkNodeTypes(buildSchema(sdl))).toThrow(/no entry for Stranger; no Node type SafeListNumber$/);
  });
});
