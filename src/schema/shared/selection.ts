/**
 * What a query needs of an object, read from its selection: whether any field
 * reads the object's record, or every field needs only the keys the caller
 * gave (its SIDs, a unique name or identity where Twilio takes one).
 *
 * A field that needs only its parent's keys says so on the field
 * (`extensions.keyOnly`, set by the helpers in keys.ts); every other field
 * reads the record. The answer depends on the selection alone, so it is worked
 * out once per field node and object type and kept: parsed documents are
 * cached, so later requests of the same document only look it up. The cost
 * model (`src/limits/cost.ts`) reads the same answer, so it predicts the same
 * fetches execution makes.
 */
import {
  Kind,
  getNamedType,
  isAbstractType,
  isObjectType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

/** How a field that needs only its parent's keys uses them (`extensions.keyOnly`). */
export interface KeyOnly {
  /**
   * A list or a lookup under the parent: its REST path names the parent, so
   * Twilio answers it with 404 when the parent does not exist.
   */
  child?: 'list' | 'lookup';
  /** Key parts the field needs as SIDs: where the caller gave a name, it needs the record (`sid`, `id`). */
  sids?: readonly string[];
  /** A lookup that may read its parent whatever it finds (for its SIDs: a name holding `:` cannot sit inside the child's key). */
  readsParent?: boolean;
}

export interface Needs {
  /** Some field reads the object's record. */
  record: boolean;
  /** A list or lookup under the object is asked for without @skip/@include: its call proves the object exists. */
  proven: boolean;
  /**
   * A lookup under the object is asked for that may find nothing: the object
   * may then be read to tell which is missing. A lookup whose object is
   * answered from its keys alone (see needsNoFetch) always finds it.
   */
  lookups: boolean;
  /** Key parts some field needs as SIDs. */
  sids: ReadonlySet<string>;
}

const NOTHING: ReadonlySet<string> = new Set();

const cache = new WeakMap<FieldNode, Map<string, Needs>>();

/**
 * What the selections of `nodes` (one response key: the field nodes execution
 * merges) need of an object of `type`. Fields under @skip or @include count as
 * asked for when they read the record, and as not asked for when they would
 * prove the object exists, so the answer holds whatever the variables are.
 */
export function needsOf(
  schema: GraphQLSchema,
  type: GraphQLObjectType,
  nodes: readonly FieldNode[],
  fragment: (name: string) => FragmentDefinitionNode | undefined,
): Needs {
  if (nodes.length === 1) return needsOfNode(schema, type, nodes[0]!, fragment);
  const all = nodes.map((node) => needsOfNode(schema, type, node, fragment));
  return {
    record: all.some((n) => n.record),
    proven: all.some((n) => n.proven),
    lookups: all.some((n) => n.lookups),
    sids: new Set(all.flatMap((n) => [...n.sids])),
  };
}

function needsOfNode(schema: GraphQLSchema, type: GraphQLObjectType, node: FieldNode, fragment: (name: string) => FragmentDefinitionNode | undefined): Needs {
  let byType = cache.get(node);
  if (!byType) cache.set(node, (byType = new Map()));
  let needs = byType.get(type.name);
  if (!needs) byType.set(type.name, (needs = walk(schema, type, node.selectionSet, fragment)));
  return needs;
}

function walk(
  schema: GraphQLSchema,
  type: GraphQLObjectType,
  root: SelectionSetNode | undefined,
  fragment: (name: string) => FragmentDefinitionNode | undefined,
): Needs {
  const fields = type.getFields();
  const needs = { record: false, proven: false, lookups: false, sids: new Set<string>() };
  const spread = new Set<string>();
  const applies = (condition: string | undefined) => {
    if (!condition || condition === type.name) return true;
    const named = schema.getType(condition);
    return named !== undefined && isAbstractType(named) && schema.isSubType(named, type);
  };
  const answeredFromKeys = (field: FieldNode) => {
    const child = getNamedType(fields[field.name.value]!.type);
    return isObjectType(child) && needsNoFetch(needsOfNode(schema, child, field, fragment));
  };
  const visit = (set: SelectionSetNode, conditional: boolean) => {
    for (const selection of set.selections) {
      const maybe = conditional || Boolean(selection.directives?.length);
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === '__typename') continue;
        const keyOnly = fields[name]?.extensions?.keyOnly as KeyOnly | undefined;
        if (!keyOnly) {
          needs.record = true;
          continue;
        }
        for (const part of keyOnly.sids ?? []) needs.sids.add(part);
        if (keyOnly.child === 'lookup' && (keyOnly.readsParent || !answeredFromKeys(selection))) needs.lookups = true;
        if (keyOnly.child && !maybe) needs.proven = true;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(selection.typeCondition?.name.value)) visit(selection.selectionSet, maybe);
      } else if (!spread.has(selection.name.value)) {
        spread.add(selection.name.value);
        const definition = fragment(selection.name.value);
        if (definition && applies(definition.typeCondition.name.value)) visit(definition.selectionSet, maybe);
      }
    }
  };
  if (root) visit(root, false);
  return needs.sids.size ? needs : { ...needs, sids: NOTHING };
}

/** True when no call is needed for the object itself, whatever keys it is reached with: the cost model counts none. */
export function needsNoFetch(needs: Needs): boolean {
  return !needs.record && needs.proven && !needs.lookups && needs.sids.size === 0;
}

const selected = new WeakMap<FieldNode, Map<string, ReadonlySet<string>>>();

/**
 * The names of the fields `nodes` select directly on an object of `type`,
 * fragments that apply to it expanded, `__typename` left out; fields under
 * @skip or @include count as selected. Kept per field node and type, as
 * `needsOf` is.
 */
export function fieldsSelectedOn(
  schema: GraphQLSchema,
  type: GraphQLObjectType,
  nodes: readonly FieldNode[],
  fragment: (name: string) => FragmentDefinitionNode | undefined,
): ReadonlySet<string> {
  const names = new Set<string>();
  for (const node of nodes) {
    let byType = selected.get(node);
    if (!byType) selected.set(node, (byType = new Map()));
    let fields = byType.get(type.name);
    if (!fields) byType.set(type.name, (fields = collectFields(schema, type, node.selectionSet, fragment)));
    for (const name of fields) names.add(name);
  }
  return names;
}

function collectFields(
  schema: GraphQLSchema,
  type: GraphQLObjectType,
  root: SelectionSetNode | undefined,
  fragment: (name: string) => FragmentDefinitionNode | undefined,
): ReadonlySet<string> {
  const names = new Set<string>();
  const spread = new Set<string>();
  const applies = (condition: string | undefined) => {
    if (!condition || condition === type.name) return true;
    const named = schema.getType(condition);
    return named !== undefined && isAbstractType(named) && schema.isSubType(named, type);
  };
  const visit = (set: SelectionSetNode) => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value !== '__typename') names.add(selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(selection.typeCondition?.name.value)) visit(selection.selectionSet);
      } else if (!spread.has(selection.name.value)) {
        spread.add(selection.name.value);
        const definition = fragment(selection.name.value);
        if (definition && applies(definition.typeCondition.name.value)) visit(definition.selectionSet);
      }
    }
  };
  if (root) visit(root);
  return names;
}
