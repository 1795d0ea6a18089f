/**
 * What an operation can cost, known before any resolver runs: the most REST
 * calls it can make and the most objects its answer can hold. The gateway
 * refuses an operation over either budget without calling Twilio (see
 * `useCostLimit`), and reports the prediction beside the real count in every
 * answer's `extensions.cost`.
 *
 * The model reads the schema, not hand-kept lists per field:
 * - a connection field reads one page per parent (two when it starts from a
 *   cursor: the cursor's page again, then the next), and its items multiply
 *   by `first`/`last` (50 when omitted);
 * - a field that returns a fetchable object costs at most one call per
 *   distinct object it can reach, and none when the query asks of it only
 *   for what lies under it (it is then not fetched: execution reads the same
 *   answer from `schema/shared/selection.ts`). Containment comes from the REST paths (a
 *   member lives in a channel, which lives in a service: `Fetch*` operations
 *   are reached through their parent's field, see `schema/<product>/operations.ts`),
 *   so `channel.members.channel` can only reach as many channels as were
 *   listed, and `members.service` under one service reaches one service;
 * - a link whose loader reads its parent's list once (a member's user from
 *   its service's user list) says so on the field (`extensions.cost.listedPer`)
 *   and costs one call per distinct parent, plus one per `perCall` items for
 *   batched filters (members by identity, 50 a call);
 * - objects carried inside their parent's record (page info, webhook
 *   configuration, user errors) cost nothing;
 * - a connection Twilio keeps small says so (`extensions.cost.maxItems`);
 * - a mutation costs `MUTATION_CALLS` (a lookup by name and the write).
 *
 * Listed parents are assumed to fit in one list page (1,000 users or roles
 * of a service); beyond that each further child is one more fetch, still
 * within the request's REST budget.
 *
 * Each field is classified once (`CostModel.fieldCost`): the walk counts by
 * that classification, and so do the demand-control directives a router reads
 * (`cost-directives.ts`). Deferred fragments and streamed lists (`@defer`,
 * `@stream`) are walked as the same fields inline.
 */
import {
  GraphQLError,
  GraphQLSchema,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  isEnumType,
  isInputObjectType,
  isNonNullType,
  isType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  getVariableValues,
  isAbstractType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInterfaceType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { MAX_READS_PER_CONNECTION, READS_WITHOUT_CURSOR } from '../schema/shared/connection.ts';
import { needsNoFetch, needsOf } from '../schema/shared/selection.ts';

/** What a field may declare about its loader (`extensions: { cost: … }` on a Pothos field). */
export interface FieldCostHint {
  /** The loader reads this ancestor type's list once for all its children (`ChatService`), or the account's (`account`). */
  listedPer?: string;
  /** A connection Twilio never lets hold more items than this (a Proxy session's two participants). */
  maxItems?: number;
  /** A batched filter call serves at most this many items (50 identities per `ListMember?Identity=…`). */
  perCall?: number;
}

export interface CostEstimate {
  /** Most REST calls the operation can make (first attempts; retries are counted as they happen). */
  restCalls: number;
  /** Most objects the answer can hold (every object, edge and page info). */
  nodes: number;
  /** False when the walk stopped at the first budget it passed: the figures are then a lower bound. */
  complete: boolean;
}

export interface CostBudget {
  restCalls: number;
  nodes: number;
}

/** A lookup by unique name or identity, then the write. */
export const MUTATION_CALLS = 2;
/** Items of a connection asked for without `first` or `last` (`resolveConnection`'s default). */
export const DEFAULT_PAGE_SIZE = 50;
/**
 * Lists carried in a record or a payload (user errors, bulk results): at most one Twilio bulk request's items.
 * Also the length assumed of a list field whose arguments do not list its items.
 */
export const EMBEDDED_LIST_ITEMS = 100;

/**
 * How one field costs, as the walk counts it and as the subgraph's demand-control
 * directives state it (`cost-directives.ts`): one reading of the schema for both.
 */
export type FieldCost =
  /** A field of a connection: no call; `edges` and `nodes` hold the page's items, the rest one per connection. */
  | { kind: 'page'; sized: boolean }
  /** A field of an edge: no call. */
  | { kind: 'edge' }
  /** A mutation: `calls` per write. */
  | { kind: 'write'; calls: number }
  /**
   * A connection: `reads` page reads per parent (`readsFromCursor` when given a cursor argument), its items
   * from the first slicing argument given, else `defaultItems`, never more than `maxItems`.
   */
  | {
      kind: 'connection';
      reads: number;
      readsFromCursor: number;
      cursorArguments: readonly string[];
      slicingArguments: readonly string[];
      defaultItems: number;
      maxItems: number | undefined;
    }
  /** Carried in the parent's record: no call; a list of `items` at most. */
  | { kind: 'embedded'; list: boolean; items: number }
  /**
   * A fetchable object: at most one call per object, fewer when objects repeat (one per distinct object, or
   * per distinct listed parent, `hint`), none when only what lies under it is asked for. A list holds as many
   * as its list argument, else `items`.
   */
  | { kind: 'link'; list: boolean; items: number; hint: FieldCostHint | undefined };
/** The scope of lists that belong to the whole account (sinks, event types). */
const ACCOUNT = 'account';

/** A point of the walk: which type the selection is on, how many of it there can be, and distinct-ancestor bounds. */
interface Frame {
  type: GraphQLCompositeType;
  /** How many objects of `type` the answer can hold at this point. */
  count: number;
  /** The resource the objects are, or sit in (a connection's node type); null for roots and payloads. */
  entity: string | null;
  /** Items per connection, on a connection or edge frame. */
  pageSize: number;
  /** For each resource type containing `entity`: how many distinct ones the objects can belong to. */
  scopes: ReadonlyMap<string, number>;
}

export class CostModel {
  /** Each resource type's parent resource (`ChatMember` -> `ChatChannel`). */
  readonly #parentOf = new Map<string, string>();
  /** Types Twilio serves as records of their own; any other object rides in its parent's record. */
  readonly #fetched = new Set<string>();
  readonly #fieldCosts = new WeakMap<GraphQLField<unknown, unknown>, FieldCost | null>();

  /**
   * @param coverage for each product, operation key -> `Type.field` reaching it
   *   (`chat.FetchMember` -> `ChatChannel.member`): where the REST paths nest.
   */
  constructor(
    readonly schema: GraphQLSchema,
    coverage: Record<string, Record<string, string>>,
  ) {
    for (const operations of Object.values(coverage)) {
      for (const [operation, coordinate] of Object.entries(operations)) {
        const [typeName, fieldName] = coordinate.split('.') as [string, string];
        if (typeName === 'Mutation') continue;
        const field = (schema.getType(typeName) as GraphQLObjectType | undefined)?.getFields()[fieldName];
        if (!field) continue;
        const resource = this.#resourceOf(getNamedType(field.type));
        if (!resource) continue;
        this.#fetched.add(resource);
        if (/\.Fetch/.test(operation) && typeName !== 'Query') this.#parentOf.set(resource, typeName);
      }
    }
  }

  /** Resource types containing `type`, itself first (`ChatMember`, `ChatChannel`, `ChatService`). */
  chainOf(type: string): string[] {
    const chain = [type];
    for (let parent = this.#parentOf.get(type); parent && !chain.includes(parent); parent = this.#parentOf.get(parent)) chain.push(parent);
    return chain;
  }

  /**
   * The prediction for one operation of a validated document. Variables are the
   * request's raw values; invalid ones make execution fail before any resolver,
   * so they cost nothing.
   */
  estimate(
    document: DocumentNode,
    operationName: string | null | undefined,
    rawVariables: Record<string, unknown> | null | undefined,
    budget?: CostBudget,
  ): CostEstimate {
    const fragments = new Map<string, FragmentDefinitionNode>();
    let operation: OperationDefinitionNode | undefined;
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      else if (definition.kind === Kind.OPERATION_DEFINITION && (!operationName || definition.name?.value === operationName)) operation ??= definition;
    }
    const total: CostEstimate = { restCalls: 0, nodes: 0, complete: true };
    if (!operation) return total;
    const root = this.schema.getRootType(operation.operation);
    if (!root) return total;
    const coerced = getVariableValues(this.schema, operation.variableDefinitions ?? [], rawVariables ?? {});
    if (coerced.errors) return total;
    const walk = new Walk(this, fragments, coerced.coerced, total, budget);
    try {
      walk.selectionSet([operation.selectionSet], { type: root, count: 1, entity: null, pageSize: 1, scopes: new Map() });
    } catch (error) {
      if (!(error instanceof OverBudget)) throw error;
      total.complete = false;
    }
    return total;
  }

  /**
   * How `field` of `parent` costs, or null when it costs nothing and nothing can
   * lie under it (scalars, enums, introspection).
   */
  fieldCost(parent: GraphQLObjectType | GraphQLInterfaceType, field: GraphQLField<unknown, unknown>): FieldCost | null {
    let cost = this.#fieldCosts.get(field);
    if (cost === undefined) {
      cost = this.#classify(parent, field);
      this.#fieldCosts.set(field, cost);
    }
    return cost;
  }

  #classify(parent: GraphQLObjectType | GraphQLInterfaceType, field: GraphQLField<unknown, unknown>): FieldCost | null {
    const named = getNamedType(field.type);
    if (field.name.startsWith('__') || !isCompositeType(named)) return null;
    const list = isListType(getNullableType(field.type));
    if (isConnection(parent)) return { kind: 'page', sized: field.name === 'edges' || field.name === 'nodes' };
    if (isEdge(parent)) return { kind: 'edge' };
    if (parent.name === this.schema.getMutationType()?.name) return { kind: 'write', calls: MUTATION_CALLS };
    const hint = field.extensions?.cost as FieldCostHint | undefined;
    if (isConnection(named)) {
      const has = (name: string) => field.args.some((arg) => arg.name === name);
      return {
        kind: 'connection',
        reads: READS_WITHOUT_CURSOR,
        readsFromCursor: MAX_READS_PER_CONNECTION,
        cursorArguments: ['after', 'before'].filter(has),
        slicingArguments: ['first', 'last'].filter(has),
        defaultItems: DEFAULT_PAGE_SIZE,
        maxItems: hint?.maxItems,
      };
    }
    if (!this.isFetched(named)) return { kind: 'embedded', list, items: list ? EMBEDDED_LIST_ITEMS : 1 };
    return { kind: 'link', list, items: list ? EMBEDDED_LIST_ITEMS : 1, hint };
  }

  /** The resource a field's named type stands for: the node type of a connection, else itself. */
  #resourceOf(type: GraphQLNamedType): string | null {
    if (!isObjectType(type) && !isInterfaceType(type)) return null;
    return isConnection(type) ? edgeNode(type).name : type.name;
  }

  /** @internal */
  isFetched(type: GraphQLNamedType): boolean {
    // `Node` and `_Entity` are fetched; a union of shapes carried in a record (a sink's configuration) is not.
    if (isAbstractType(type)) return this.schema.getPossibleTypes(type).some((member) => this.#fetched.has(member.name));
    return this.#fetched.has(type.name);
  }
}

/** Thrown inside the walk once a budget is passed: nothing beyond it changes the verdict. */
class OverBudget extends Error {}

class Walk {
  /** Per introspection selection (by its first node): its fields, and how many objects it answers over each schema element. */
  readonly #introspectionSelections = new Map<FieldNode, { byKey: FieldNode[][]; sizes: Map<unknown, number> }>();

  constructor(
    private readonly model: CostModel,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
    private readonly total: CostEstimate,
    private readonly budget: CostBudget | undefined,
  ) {}

  /**
   * Walks the fields one selection set yields, collected as execution collects
   * them: each fragment once per selection set, fields of one response key
   * merged. A fragment spread many times therefore costs what execution does,
   * not a walk exponential in the spreads.
   */
  selectionSet(sets: readonly SelectionSetNode[], frame: Frame): void {
    // Nothing under an empty page runs (`first: 0`).
    if (frame.count === 0) return;
    const fields = new Map<string, { nodes: FieldNode[]; frame: Frame }>();
    const visited = new Set<string>();
    const collect = (set: SelectionSetNode, at: Frame) => {
      for (const selection of set.selections) {
        if (!this.#included(selection)) continue;
        if (selection.kind === Kind.FIELD) {
          const key = `${at.type.name}.${selection.alias?.value ?? selection.name.value}`;
          const entry = fields.get(key);
          if (entry) entry.nodes.push(selection);
          else fields.set(key, { nodes: [selection], frame: at });
          continue;
        }
        if (selection.kind === Kind.FRAGMENT_SPREAD) {
          if (visited.has(selection.name.value)) continue;
          visited.add(selection.name.value);
        }
        const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : this.fragments.get(selection.name.value);
        if (!fragment) continue;
        const condition = fragment.typeCondition ? this.model.schema.getType(fragment.typeCondition.name.value) : at.type;
        if (!condition || !isCompositeType(condition)) continue;
        // A fragment on a concrete type under `node` or `_entities` narrows the resource.
        const narrowed = condition !== at.type && isObjectType(condition) && this.model.isFetched(condition) && at.entity !== condition.name;
        collect(
          fragment.selectionSet,
          narrowed
            ? { ...at, type: condition, entity: condition.name, scopes: this.#scopes(null, condition.name, at.count, at.scopes) }
            : { ...at, type: condition },
        );
      }
    };
    for (const set of sets) collect(set, frame);
    for (const { nodes, frame: at } of fields.values()) this.#field(nodes, at);
  }

  /** Adds to the totals, and stops the walk once a budget is passed. */
  #add(restCalls: number, nodes: number): void {
    this.total.restCalls += restCalls;
    this.total.nodes += nodes;
    if (this.budget && (this.total.restCalls > this.budget.restCalls || this.total.nodes > this.budget.nodes)) throw new OverBudget();
  }

  #field(nodes: FieldNode[], frame: Frame): void {
    const node = nodes[0]!;
    const name = node.name.value;
    // Introspection makes no REST call, but its answer can be large: counted object by object over the schema itself.
    if (name === '__schema' || name === '__type') {
      const target =
        name === '__schema'
          ? this.model.schema
          : this.model.schema.getType(String(getArgumentValues(introspectionField(this.model.schema, name), node, this.variables).name));
      if (target) this.#add(0, frame.count * this.#introspectionSize(nodes, target));
      return;
    }
    const parent = frame.type;
    if (!isObjectType(parent) && !isInterfaceType(parent)) return;
    const field = parent.getFields()[name];
    if (!field) return;
    const cost = this.model.fieldCost(parent, field);
    if (!cost) return;
    const named = getNamedType(field.type) as GraphQLCompositeType;

    switch (cost.kind) {
      // Inside a connection: its items come from the page already read.
      case 'page': {
        const count = cost.sized ? frame.count * frame.pageSize : frame.count;
        this.#add(0, count);
        this.#children(nodes, { ...frame, type: named, count });
        return;
      }
      case 'edge':
        this.#add(0, frame.count);
        this.#children(nodes, { ...frame, type: named });
        return;
    }

    const args = getArgumentValues(field, node, this.variables);
    const list = cost.kind === 'embedded' || cost.kind === 'link' ? cost.list : false;
    const count = frame.count * (list ? listLength(args, cost.kind === 'link' ? cost.items : EMBEDDED_LIST_ITEMS) : 1);
    switch (cost.kind) {
      case 'write':
        this.#add(cost.calls * count, count);
        this.#children(nodes, { type: named, count, entity: null, pageSize: 1, scopes: new Map() });
        return;
      case 'connection': {
        const cursor = cost.cursorArguments.some((argument) => Boolean(args[argument]));
        this.#add(count * (cursor ? cost.readsFromCursor : cost.reads), count);
        const given = cost.slicingArguments.map((argument) => args[argument]).find((value) => typeof value === 'number');
        const asked = typeof given === 'number' ? given : cost.defaultItems;
        const pageSize = Math.min(asked, cost.maxItems ?? asked);
        const resource = edgeNode(named as GraphQLObjectType).name;
        const scopes = this.#scopes(frame.entity, resource, count * pageSize, frame.scopes);
        this.#children(nodes, { type: named, count, entity: resource, pageSize, scopes });
        return;
      }
      case 'embedded': {
        // Carried in the parent's record (or a payload's): no call of its own.
        const embedded = cost.list ? frame.count * cost.items : count;
        this.#add(0, embedded);
        this.#children(nodes, { ...frame, type: named, count: embedded });
        return;
      }
      case 'link': {
        const resource = isObjectType(named) ? named.name : null;
        const scopes = resource ? this.#scopes(frame.entity, resource, count, frame.scopes) : new Map<string, number>();
        // Asked only for what lies under it, the object is not fetched: the calls under it answer for it.
        const fetched = !isObjectType(named) || !needsNoFetch(needsOf(this.model.schema, named, nodes, (name) => this.fragments.get(name)));
        this.#add(fetched ? this.#linkCalls(cost.hint, resource, count, scopes) : 0, count);
        this.#children(nodes, { type: named, count, entity: resource, pageSize: 1, scopes });
        return;
      }
    }
  }

  /**
   * How many objects an introspection selection answers over `value` (the
   * schema, a type, field, argument or directive), walking the schema's own
   * elements as graphql-js would answer them. No REST call, but the answer can
   * be large: aliases of `__schema` cannot multiply it past the node budget.
   * Each (selection, element) pair is counted once, and the count stops once
   * it passes the budget.
   */
  #introspectionSize(nodes: FieldNode[], value: unknown): number {
    let fields = this.#introspectionSelections.get(nodes[0]!);
    if (!fields) {
      fields = { byKey: [...this.#introspectionFields(nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []))).values()], sizes: new Map() };
      this.#introspectionSelections.set(nodes[0]!, fields);
    }
    const known = fields.sizes.get(value);
    if (known !== undefined) return known;
    const limit = this.budget?.nodes ?? Infinity;
    let size = 1;
    for (const fieldNodes of fields.byKey) {
      const children = introspectionChildren(this.model.schema, value, fieldNodes[0]!.name.value);
      if (children === undefined || children === null) continue;
      for (const child of Array.isArray(children) ? children : [children]) {
        if (child === null || child === undefined) continue;
        size += this.#introspectionSize(fieldNodes, child);
        if (size > limit) return size;
      }
    }
    fields.sizes.set(value, size);
    return size;
  }

  /** An introspection selection's fields by response key, fragments expanded (their conditions are introspection types). */
  #introspectionFields(sets: readonly SelectionSetNode[]): Map<string, FieldNode[]> {
    const fields = new Map<string, FieldNode[]>();
    const visited = new Set<string>();
    const collect = (set: SelectionSetNode) => {
      for (const selection of set.selections) {
        if (!this.#included(selection)) continue;
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          fields.set(key, [...(fields.get(key) ?? []), selection]);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          collect(selection.selectionSet);
        } else if (!visited.has(selection.name.value)) {
          visited.add(selection.name.value);
          const fragment = this.fragments.get(selection.name.value);
          if (fragment) collect(fragment.selectionSet);
        }
      }
    };
    for (const set of sets) collect(set);
    return fields;
  }

  /** The merged sub-selections of one response key. */
  #children(nodes: FieldNode[], frame: Frame): void {
    const sets = nodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
    if (sets.length) this.selectionSet(sets, frame);
  }

  /** Calls for `count` loads of a fetchable object: at most one per distinct object, or per listed parent. */
  #linkCalls(hint: FieldCostHint | undefined, resource: string | null, count: number, scopes: ReadonlyMap<string, number>): number {
    if (hint?.listedPer) {
      const parents = hint.listedPer === ACCOUNT ? 1 : (scopes.get(hint.listedPer) ?? count);
      return Math.min(count, parents + (hint.perCall ? Math.floor(count / hint.perCall) : 0));
    }
    return Math.min(count, resource ? (scopes.get(resource) ?? count) : count);
  }

  /**
   * Distinct-ancestor bounds after a step from `from` to `to`: for each
   * resource containing `to`, the bound carries over when `from` lies in the
   * same one (a member's channel is the channel it was listed from), and is
   * `count` otherwise (a user's channels are many channels).
   */
  #scopes(from: string | null, to: string, count: number, scopes: ReadonlyMap<string, number>): Map<string, number> {
    const fromChain = from ? this.model.chainOf(from) : [];
    const next = new Map<string, number>();
    for (const type of this.model.chainOf(to)) {
      const carried = fromChain.includes(type) ? scopes.get(type) : undefined;
      next.set(type, Math.min(count, carried ?? count));
    }
    return next;
  }

  #included(selection: { directives?: readonly unknown[] | undefined }): boolean {
    const node = selection as FieldNode;
    if (!node.directives?.length) return true;
    if (getDirectiveValues(GraphQLSkipDirective, node, this.variables)?.if === true) return false;
    if (getDirectiveValues(GraphQLIncludeDirective, node, this.variables)?.if === false) return false;
    return true;
  }
}

function introspectionField(schema: GraphQLSchema, name: '__schema' | '__type'): GraphQLField<unknown, unknown> {
  return name === '__schema' ? SchemaMetaFieldDef : TypeMetaFieldDef;
}

/**
 * What an introspection object's field holds, as graphql-js answers it: the
 * composite values under `field` of `value` (a schema, type, field, argument,
 * enum value or directive), or undefined for a scalar field.
 */
function introspectionChildren(schema: GraphQLSchema, value: unknown, field: string): unknown {
  if (value instanceof GraphQLSchema) {
    switch (field) {
      case 'types':
        return Object.values(value.getTypeMap());
      case 'queryType':
        return value.getQueryType();
      case 'mutationType':
        return value.getMutationType();
      case 'subscriptionType':
        return value.getSubscriptionType();
      case 'directives':
        return value.getDirectives();
      default:
        return undefined;
    }
  }
  if (isType(value)) {
    switch (field) {
      case 'fields':
        return isObjectType(value) || isInterfaceType(value) ? Object.values(value.getFields()) : null;
      case 'interfaces':
        return isObjectType(value) || isInterfaceType(value) ? value.getInterfaces() : null;
      case 'possibleTypes':
        return isAbstractType(value) ? schema.getPossibleTypes(value) : null;
      case 'enumValues':
        return isEnumType(value) ? value.getValues() : null;
      case 'inputFields':
        return isInputObjectType(value) ? Object.values(value.getFields()) : null;
      case 'ofType':
        return isListType(value) || isNonNullType(value) ? value.ofType : null;
      default:
        return undefined;
    }
  }
  if (value && typeof value === 'object') {
    // Fields, arguments, input fields and directives: their arguments and their type.
    if (field === 'args') return (value as { args?: unknown[] }).args ?? [];
    if (field === 'type') return (value as { type?: unknown }).type ?? null;
  }
  return undefined;
}

/** How many items a list field returns, from the argument that lists them (`ids`, `representations`), else `otherwise`. */
function listLength(args: Record<string, unknown>, otherwise: number): number {
  for (const value of Object.values(args)) if (Array.isArray(value)) return value.length;
  return otherwise;
}

function isConnection(type: GraphQLNamedType): type is GraphQLObjectType {
  return isObjectType(type) && type.name.endsWith('Connection') && 'edges' in type.getFields() && 'pageInfo' in type.getFields();
}

function isEdge(type: GraphQLNamedType): type is GraphQLObjectType {
  return isObjectType(type) && type.name.endsWith('Edge') && 'cursor' in type.getFields() && 'node' in type.getFields();
}

function edgeNode(connection: GraphQLObjectType): GraphQLNamedType {
  const edge = getNamedType(connection.getFields().edges!.type) as GraphQLObjectType;
  return getNamedType(edge.getFields().node!.type);
}

/** The error for an operation over budget: names the budget, the prediction and the limit. */
export function tooExpensive(estimate: CostEstimate, budget: CostBudget): GraphQLError | undefined {
  const upTo = estimate.complete ? 'up to' : 'more than';
  if (estimate.restCalls > budget.restCalls) {
    return new GraphQLError(
      `This operation can make ${upTo} ${estimate.restCalls} REST calls to Twilio, over the budget of ${budget.restCalls}: ask for fewer items (first/last), or split the query`,
      { extensions: { code: 'QUERY_TOO_EXPENSIVE', budget: 'restCalls', predicted: estimate.restCalls, limit: budget.restCalls } },
    );
  }
  if (estimate.nodes > budget.nodes) {
    return new GraphQLError(
      `This operation can return ${upTo} ${estimate.nodes} objects, over the budget of ${budget.nodes}: ask for fewer items (first/last), or split the query`,
      { extensions: { code: 'QUERY_TOO_EXPENSIVE', budget: 'nodes', predicted: estimate.nodes, limit: budget.nodes } },
    );
  }
  return undefined;
}

/** Field `extensions` for a link whose loader reads its parent's list once for all its children: `listedPer('ChatService')`. */
export function listedPer(scope: string, perCall?: number): { cost: FieldCostHint } {
  return { cost: perCall ? { listedPer: scope, perCall } : { listedPer: scope } };
}

/** Field `extensions` for a connection Twilio never lets hold more than `count` items. */
export function atMostItems(count: number): { cost: FieldCostHint } {
  return { cost: { maxItems: count } };
}
