/**
 * A router's static cost estimate of an operation over a subgraph SDL, as
 * Apollo Router's demand control computes it (`static_estimated`, read from
 * apollo-router's cost calculator and the Federation docs):
 * - an operation costs 10 for a mutation, 0 otherwise, plus its fields;
 * - a field costs (instances) × (its weight + its selections) + its arguments;
 *   its weight is its `@cost`, else its type's `@cost`, else 1 for an object,
 *   interface or union and 0 for a scalar or enum;
 * - instances are 1 for a non-list field; for a list, the size its parent's
 *   `@listSize(sizedFields:)` gives it, else its own `@listSize` (the largest
 *   slicing argument given, else `assumedSize`), else the router's `list_size`;
 * - an argument costs its `@cost` when given, an input object 1 plus its fields;
 * - every fragment spread is scored where it is spread; `@skip`/`@include`
 *   with a literal condition leave fields out.
 * The tests compare it with the gateway's own prediction of REST calls.
 */
import {
  Kind,
  buildASTSchema,
  getNamedType,
  isCompositeType,
  isInputObjectType,
  isListType,
  isObjectType,
  isInterfaceType,
  valueFromASTUntyped,
  getNullableType,
  type ConstDirectiveNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

interface ListSize {
  assumedSize?: number;
  slicingArguments?: string[];
  sizedFields?: string[];
  requireOneSlicingArgument?: boolean;
}

/** The subgraph SDL as a schema whose fields, types and arguments keep their applied directives. */
export function routerSchema(sdl: DocumentNode): GraphQLSchema {
  return buildASTSchema(sdl, { assumeValidSDL: true });
}

function directive(
  node: { astNode?: { directives?: readonly ConstDirectiveNode[] | undefined } | null | undefined } | null | undefined,
  name: string,
): Record<string, unknown> | undefined {
  const found = node?.astNode?.directives?.find((d) => d.name.value === name);
  if (!found) return undefined;
  return Object.fromEntries((found.arguments ?? []).map((argument) => [argument.name.value, valueFromASTUntyped(argument.value)]));
}

function weightOf(node: Parameters<typeof directive>[0]): number | undefined {
  const cost = directive(node, 'cost');
  return cost ? Number(cost.weight) : undefined;
}

/** The estimate of the operation named `operationName` (the only one when null), with the router's `list_size` for lists nothing sizes. */
export function routerCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null,
  variables: Record<string, unknown> = {},
  listSize = 10,
): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);

  const valueOf = (node: ValueNode): unknown => (node.kind === Kind.VARIABLE ? variables[node.name.value] : valueFromASTUntyped(node, variables));

  const scoreValue = (value: unknown, type: GraphQLInputType, weight: number | undefined): number => {
    if (value === null || value === undefined) return 0;
    const nullable = getNullableType(type);
    if (Array.isArray(value))
      return (weight ?? 0) + value.reduce<number>((sum, item) => sum + scoreValue(item, isListType(nullable) ? nullable.ofType : nullable, weight), 0);
    if (isInputObjectType(nullable) && typeof value === 'object') {
      const fields = nullable.getFields();
      return (
        (weight ?? 1) +
        Object.entries(value as Record<string, unknown>).reduce((sum, [name, inner]) => {
          const field: GraphQLInputField | undefined = fields[name];
          return sum + (field ? scoreValue(inner, field.type, weightOf(field)) : 0);
        }, 0)
      );
    }
    return weight ?? 0;
  };

  const scoreArgument = (definition: GraphQLArgument, node: ValueNode): number => scoreValue(valueOf(node), definition.type, weightOf(definition));

  const skipped = (
    directives: readonly { name: { value: string }; arguments?: readonly { name: { value: string }; value: ValueNode }[] }[] | undefined,
  ): boolean => {
    for (const d of directives ?? []) {
      const condition = d.arguments?.find((a) => a.name.value === 'if');
      if (!condition || condition.value.kind !== Kind.BOOLEAN) continue;
      if (d.name.value === 'skip' && condition.value.value) return true;
      if (d.name.value === 'include' && !condition.value.value) return true;
    }
    return false;
  };

  /** The size a field's own `@listSize` gives its list (or its sized fields'), given the arguments it was called with. */
  const expectedSize = (
    field: GraphQLField<unknown, unknown>,
    args: Map<string, ValueNode>,
  ): { size: number | undefined; sized: string[] | undefined } | undefined => {
    const listSizeArgs = directive(field, 'listSize') as ListSize | undefined;
    if (!listSizeArgs) return undefined;
    let size = listSizeArgs.assumedSize;
    if (listSizeArgs.slicingArguments) {
      const given = listSizeArgs.slicingArguments.flatMap((name) => {
        const node = args.get(name);
        const value = node ? valueOf(node) : field.args.find((a) => a.name === name)?.defaultValue;
        return typeof value === 'number' ? [value] : [];
      });
      if ((listSizeArgs.requireOneSlicingArgument ?? true) && given.length !== 1)
        throw new Error(`Exactly one slicing argument is required on ${field.name}, but found ${given.length}`);
      if (given.length) size = Math.max(...given);
    }
    return { size, sized: listSizeArgs.sizedFields };
  };

  const scoreSelectionSet = (
    set: SelectionSetNode,
    parent: GraphQLNamedType,
    sizing: { size: number | undefined; sized: string[] | undefined } | undefined,
  ): number => {
    let cost = 0;
    for (const selection of set.selections) {
      if (skipped(selection.directives)) continue;
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value === '__typename') continue;
        if (!isObjectType(parent) && !isInterfaceType(parent)) throw new Error(`Field ${selection.name.value} on ${parent.name}`);
        const field = parent.getFields()[selection.name.value];
        if (!field) throw new Error(`Field ${parent.name}.${selection.name.value} is not in the schema`);
        const args = new Map((selection.arguments ?? []).map((a) => [a.name.value, a.value]));
        const own = expectedSize(field, args);
        const fromParent = sizing?.sized?.includes(field.name) ? sizing.size : undefined;
        const list = isListType(getNullableType(field.type));
        const instances = !list ? 1 : (fromParent ?? own?.size ?? listSize);
        const named = getNamedType(field.type);
        let weight = weightOf(field) ?? weightOf(named as never) ?? (isCompositeType(named) ? 1 : 0);
        if (selection.selectionSet) weight += scoreSelectionSet(selection.selectionSet, named, own);
        let argumentsCost = 0;
        for (const [name, value] of args) {
          const definition = field.args.find((a) => a.name === name);
          if (definition) argumentsCost += scoreArgument(definition, value);
        }
        cost += instances * weight + argumentsCost;
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value)! : parent;
        cost += scoreSelectionSet(selection.selectionSet, condition, sizing);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment) cost += scoreSelectionSet(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value)!, sizing);
      }
    }
    return cost;
  };

  let total = 0;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION || (operationName !== null && definition.name?.value !== operationName)) continue;
    const root = schema.getRootType(definition.operation);
    if (!root) throw new Error(`No ${definition.operation} type`);
    total += (definition.operation === 'mutation' ? 10 : 0) + scoreSelectionSet(definition.selectionSet, root, undefined);
  }
  return total;
}
