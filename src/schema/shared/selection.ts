/**
 * Skipping fetches a query does not need. When a query asks of an object only
 * for lists under it (`chatService(sid:) { channels { … } }`), the object's own
 * record is never read: each list call names the object's SID and fails with
 * Twilio's 404 if the object does not exist, so the fetch would only cost a
 * REST call. Such objects are stubs that carry their SIDs alone.
 */
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

const STUB = Symbol('stub');

/** Whether the field's selection asks for nothing but `allowed` fields (and `__typename`). */
export function selectsOnly(info: GraphQLResolveInfo, allowed: ReadonlySet<string>): boolean {
  const visit = (set: SelectionSetNode | undefined): boolean =>
    !set ||
    set.selections.every((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === '__typename' || allowed.has(selection.name.value);
      if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet);
      const fragment = info.fragments[selection.name.value];
      return fragment ? visit(fragment.selectionSet) : false;
    });
  return info.fieldNodes.every((node) => visit(node.selectionSet));
}

/** A record with only its SIDs, standing in for one whose other fields are not asked for. */
export function stub<R>(sids: Partial<R>): R {
  return Object.assign(sids, { [STUB]: true }) as R;
}

/** Stubs are cached under their own keys, so a later load of the object still reads the real record. */
export function cacheKeyOf(record: object, key: string): string {
  return STUB in record ? `stub:${key}` : key;
}
