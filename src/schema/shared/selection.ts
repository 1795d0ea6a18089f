/**
 * Skipping fetches a query does not need. When a query asks of an object only
 * for lists under it (`chatService(sid:) { channels { … } }`), the object's own
 * record is never read: each list call names the object's SID and fails with
 * Twilio's 404 if the object does not exist, so the fetch would only cost a
 * REST call. Such objects are stubs that carry their SIDs alone.
 */
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

const STUB = Symbol('stub');

/** Fields that only echo what the caller already gave: they prove nothing about existence. */
const ECHOES = new Set(['__typename', 'id', 'sid', 'schemaId']);

/**
 * Whether the field's selection asks for nothing but `allowed` fields, and for at
 * least one of them that is a list: without a list call, nothing would reveal
 * that the object does not exist, so a selection of only `id`/`sid` still fetches.
 */
export function selectsOnly(info: GraphQLResolveInfo, allowed: ReadonlySet<string>): boolean {
  let asksForList = false;
  const visit = (set: SelectionSetNode | undefined): boolean =>
    !set ||
    set.selections.every((selection) => {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (!ECHOES.has(name) && allowed.has(name)) asksForList = true;
        return ECHOES.has(name) || allowed.has(name);
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet);
      const fragment = info.fragments[selection.name.value];
      return fragment ? visit(fragment.selectionSet) : false;
    });
  return info.fieldNodes.every((node) => visit(node.selectionSet)) && asksForList;
}

/** A record with only its SIDs, standing in for one whose other fields are not asked for. */
export function stub<R>(sids: Partial<R>): R {
  return Object.assign(sids, { [STUB]: true }) as R;
}

/** Stubs are cached under their own keys, so a later load of the object still reads the real record. */
export function cacheKeyOf(record: object, key: string): string {
  return STUB in record ? `stub:${key}` : key;
}
