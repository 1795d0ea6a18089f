/**
 * Federation's demand-control directives (`@cost`, `@listSize`; the cost spec
 * v0.1, Federation v2.9) for the subgraph SDL, derived from the cost model's
 * reading of each field (`CostModel.fieldCost`), so that a router's static
 * estimate (Apollo Router's demand control, Hive Gateway's `demandControl`)
 * counts what the gateway predicts: REST calls to Twilio.
 *
 * A router's estimate of a field is its weight (its `@cost`, else its type's
 * `@cost`, else 1 for an object and 0 for a scalar) plus what lies under it,
 * times the list size (`@listSize`). So:
 * - every object type weighs 0 (`@cost(weight: 0)`): an object costs no call
 *   of its own, only the fields that call Twilio do;
 * - a connection weighs its page read (1), `after`/`before` one more (a cursor
 *   in the middle of a page reads it again), and sizes its `edges` and `nodes`
 *   by `first`/`last` (50 when neither is given), or by the most items Twilio
 *   lets it hold (`atMostItems`);
 * - a link to a fetchable object weighs one call, per object: a router cannot
 *   count once per distinct object or per distinct listed parent (`listedPer`),
 *   as the gateway does, so there it counts more;
 * - a mutation weighs its lookup and write;
 * - a list field no argument sizes is assumed to hold EMBEDDED_LIST_ITEMS.
 *
 * `applyCostDirectives` writes them into the built subgraph schema, where
 * `printSubgraphSchema` (and so `_service { sdl }` and `schema/subgraph.graphql`)
 * prints them.
 */
import {
  Kind,
  getNamedType,
  isAbstractType,
  isObjectType,
  type ConstDirectiveNode,
  type ConstValueNode,
  type GraphQLSchema,
  type ObjectTypeDefinitionNode,
} from 'graphql';
import type { CostModel, FieldCost } from './cost.ts';

/** The cost spec's directives, as the subgraph imports them through its Federation link (v2.9 and later). */
export const COST_DIRECTIVE_IMPORTS = ['@cost', '@listSize'] as const;

export type CostDirective = { name: 'cost'; args: { weight: number } } | { name: 'listSize'; args: ListSizeArguments };

export interface ListSizeArguments {
  assumedSize?: number;
  slicingArguments?: string[];
  sizedFields?: string[];
  requireOneSlicingArgument?: boolean;
}

/** Directives by schema coordinate: `Type`, `Type.field`, `Type.field(argument:)`. */
export type CostDirectives = Map<string, CostDirective[]>;

const weight = (calls: number): CostDirective => ({ name: 'cost', args: { weight: calls } });

/** What a router needs to know of one field, from how the gateway counts it. */
function fieldDirectives(cost: FieldCost, returnsAbstract: boolean): { field: CostDirective[]; args: Map<string, CostDirective[]> } {
  const args = new Map<string, CostDirective[]>();
  // An interface or union cannot carry @cost: the field says what it weighs instead.
  const free = returnsAbstract ? [weight(0)] : [];
  switch (cost.kind) {
    case 'page':
    case 'edge':
      return { field: free, args };
    case 'write':
      return { field: [weight(cost.calls)], args };
    case 'connection': {
      for (const name of cost.cursorArguments) args.set(name, [weight(cost.readsFromCursor - cost.reads)]);
      const sized = { sizedFields: ['edges', 'nodes'] };
      // Twilio's own bound wins over whatever is asked: no slicing argument can make the estimate larger.
      const listSize: ListSizeArguments =
        cost.maxItems !== undefined
          ? { assumedSize: cost.maxItems, ...sized }
          : { assumedSize: cost.defaultItems, slicingArguments: [...cost.slicingArguments], ...sized, requireOneSlicingArgument: false };
      return { field: [weight(cost.reads), { name: 'listSize', args: listSize }], args };
    }
    case 'embedded':
      return { field: [...free, ...(cost.list ? [{ name: 'listSize', args: { assumedSize: cost.items } } as const] : [])], args };
    case 'link':
      return { field: [weight(1), ...(cost.list ? [{ name: 'listSize', args: { assumedSize: cost.items } } as const] : [])], args };
  }
}

/** The directives for every object type and field of the model's schema (root types and Federation's own excepted). */
export function costDirectives(model: CostModel): CostDirectives {
  const directives: CostDirectives = new Map();
  const schema = model.schema;
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].map((type) => type?.name));
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('_')) continue;
    if (!roots.has(type.name)) directives.set(type.name, [weight(0)]);
    for (const field of Object.values(type.getFields())) {
      if (field.name.startsWith('_')) continue;
      const cost = model.fieldCost(type, field);
      if (!cost) continue;
      const { field: onField, args } = fieldDirectives(cost, isAbstractType(getNamedType(field.type)));
      if (onField.length) directives.set(`${type.name}.${field.name}`, onField);
      for (const [argument, onArgument] of args) directives.set(`${type.name}.${field.name}(${argument}:)`, onArgument);
    }
  }
  return directives;
}

function valueNode(value: unknown): ConstValueNode {
  if (typeof value === 'number') return { kind: Kind.INT, value: String(value) };
  if (typeof value === 'boolean') return { kind: Kind.BOOLEAN, value };
  if (typeof value === 'string') return { kind: Kind.STRING, value };
  if (Array.isArray(value)) return { kind: Kind.LIST, values: value.map(valueNode) };
  throw new TypeError(`No directive argument value for ${JSON.stringify(value)}`);
}

function directiveNode({ name, args }: CostDirective): ConstDirectiveNode {
  return {
    kind: Kind.DIRECTIVE,
    name: { kind: Kind.NAME, value: name },
    arguments: Object.entries(args).map(([argument, value]) => ({ kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: argument }, value: valueNode(value) })),
  };
}

/**
 * Writes `directives` into the AST nodes of a built subgraph schema (where
 * Federation's printer reads applied directives) and adds the cost spec's
 * directives to its Federation link's imports. The schema's Federation link
 * must be v2.9 or later.
 */
export function applyCostDirectives(schema: GraphQLSchema, directives: CostDirectives): void {
  const nodes = (coordinate: string) => (directives.get(coordinate) ?? []).map(directiveNode);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || !type.astNode) continue;
    const fields = type.getFields();
    const astNode: ObjectTypeDefinitionNode = {
      ...type.astNode,
      directives: [...(type.astNode.directives ?? []), ...nodes(type.name)],
      fields: type.astNode.fields?.map((fieldNode) => {
        const coordinate = `${type.name}.${fieldNode.name.value}`;
        const withDirectives = {
          ...fieldNode,
          directives: [...(fieldNode.directives ?? []), ...nodes(coordinate)],
          arguments: fieldNode.arguments?.map((argument) => ({
            ...argument,
            directives: [...(argument.directives ?? []), ...nodes(`${coordinate}(${argument.name.value}:)`)],
          })),
        };
        const field = fields[fieldNode.name.value];
        if (field) field.astNode = withDirectives;
        return withDirectives;
      }),
    };
    type.astNode = astNode;
  }
  schema.extensionASTNodes = schema.extensionASTNodes.map((extension) => ({
    ...extension,
    directives: extension.directives?.map((directive) => {
      const url = directive.arguments?.find((argument) => argument.name.value === 'url')?.value;
      if (directive.name.value !== 'link' || url?.kind !== Kind.STRING || !url.value.startsWith('https://specs.apollo.dev/federation/')) return directive;
      return {
        ...directive,
        arguments: directive.arguments?.map((argument) => {
          if (argument.name.value !== 'import' || argument.value.kind !== Kind.LIST) return argument;
          const imported = argument.value.values.flatMap((value) => (value.kind === Kind.STRING ? [value.value] : []));
          const added = COST_DIRECTIVE_IMPORTS.filter((name) => !imported.includes(name));
          return { ...argument, value: { ...argument.value, values: [...argument.value.values, ...added.map(valueNode)] } };
        }),
      };
    }),
  }));
}
