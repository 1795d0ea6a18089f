/**
 * Global IDs: `base64url("v1:" + typename + ":" + sids joined by ":")`. The ID
 * carries every SID needed to fetch the object again (a channel needs its
 * service's SID), and the version tag lets the format change later without
 * breaking IDs clients have stored.
 */
import { isObjectType, type GraphQLSchema } from 'graphql';
import { badInput } from './errors.ts';
import { NODE_KEY_PARTS } from './node-keys.ts';

const VERSION = 'v1';

/**
 * Checked as the schema is built: the types implementing `Node` are exactly
 * those NODE_KEY_PARTS describes, so that an ID is refused or accepted by
 * `decodeGlobalId` as the schema would have it.
 */
export function checkNodeTypes(schema: GraphQLSchema): void {
  const nodes = Object.values(schema.getTypeMap())
    .filter((type) => isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Node'))
    .map((type) => type.name);
  const missing = nodes.filter((name) => !Object.hasOwn(NODE_KEY_PARTS, name));
  const extra = Object.keys(NODE_KEY_PARTS).filter((name) => !nodes.includes(name));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(
      'NODE_KEY_PARTS (src/schema/shared/node-keys.ts) must list exactly the Node types: ' +
        [missing.length ? `no entry for ${missing.join(', ')}` : '', extra.length ? `no Node type ${extra.join(', ')}` : ''].filter(Boolean).join('; '),
    );
  }
}

export function encodeGlobalId(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${VERSION}:${typename}:${String(id)}`).toString('base64url');
}

export function decodeGlobalId(globalId: string): { typename: string; id: string } {
  const text = /^[A-Za-z0-9_-]+={0,2}$/.test(globalId) ? Buffer.from(globalId, 'base64url').toString() : '';
  const [version, typename, ...rest] = text.split(':');
  if (version !== VERSION || !typename || rest.length === 0 || rest.some((part) => part === '')) {
    throw badInput('id', `${JSON.stringify(globalId)} is not a global ID issued by this gateway`);
  }
  if (!Object.hasOwn(NODE_KEY_PARTS, typename)) throw badInput('id', `${JSON.stringify(globalId)} names ${typename}, which is not a node type`);
  return { typename, id: rest.join(':') };
}

/** The key a node's loader uses: its SIDs joined by `:`, parents first. */
export function nodeKey(...sids: Array<string | number>): string {
  return sids.map(String).join(':');
}

/**
 * Splits a node key back into its parts, each checked against the type's
 * entry in NODE_KEY_PARTS, so a key from a forged ID or a federation
 * representation fails here, before any REST call. The last part may itself
 * hold `:` (a unique name or identity).
 */
export function splitNodeKey(key: string, typename: string): string[] {
  const expected = NODE_KEY_PARTS[typename];
  if (!expected) throw new Error(`Node type ${typename} has no entry in NODE_KEY_PARTS`);
  const parts = key.split(':');
  const split = parts.length < expected.length ? parts : [...parts.slice(0, expected.length - 1), parts.slice(expected.length - 1).join(':')];
  if (split.length !== expected.length) throw badInput('id', `not a ${typename} ID: it has ${split.length} of its ${expected.length} parts`);
  split.forEach((part, i) => {
    // The value is not repeated: it is the caller's text, and may be long.
    if (!expected[i]!.accepts(part)) throw badInput('id', `not a ${typename} ID: part ${i + 1} must be ${expected[i]!.description}`);
  });
  return split;
}
