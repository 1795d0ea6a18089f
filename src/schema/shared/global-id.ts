/**
 * Global IDs: `base64url("v1:" + typename + ":" + sids joined by ":")`. The ID
 * carries every SID needed to fetch the object again (a channel needs its
 * service's SID), and the version tag lets the format change later without
 * breaking IDs clients have stored.
 */
import { badInput } from './errors.ts';

const VERSION = 'v1';

/** Names of the types that are nodes, filled once the schema is built; an ID of any other type is refused. */
const nodeTypes = new Set<string>();

export function registerNodeTypes(names: Iterable<string>): void {
  for (const name of names) nodeTypes.add(name);
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
  if (nodeTypes.size > 0 && !nodeTypes.has(typename)) throw badInput('id', `${JSON.stringify(globalId)} names ${typename}, which is not a node type`);
  return { typename, id: rest.join(':') };
}

/** The key a node's loader uses: its SIDs joined by `:`, parents first. */
export function nodeKey(...sids: Array<string | number>): string {
  return sids.map(String).join(':');
}

/**
 * Splits a node key back into its SIDs; `count` guards against IDs of another
 * shape. The last part may itself hold `:` (a unique name or identity).
 */
export function splitNodeKey(key: string, count: number, typename: string): string[] {
  const parts = key.split(':');
  const split = parts.length < count ? parts : [...parts.slice(0, count - 1), parts.slice(count - 1).join(':')];
  if (split.length !== count || split.some((p) => p === '')) {
    throw badInput('id', `not a ${typename} ID`);
  }
  return split;
}
