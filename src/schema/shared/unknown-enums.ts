/**
 * Twilio may send an enum value its spec does not list (a new channel type, a
 * new session status). graphql-js fails a field whose enum cannot serialise a
 * value, so a Pothos plugin wraps the resolver of every nullable enum field
 * (and list of nullable enum items): a value the enum does not know resolves
 * to null, and the rest of the object still resolves.
 *
 * Non-null enum fields are left alone: they serve values the gateway makes
 * itself (`TwilioUserError.code`), where an unknown value is a bug to surface.
 */
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import { getNamedType, type GraphQLEnumType, type GraphQLFieldResolver, type GraphQLResolveInfo } from 'graphql';

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      unknownEnumValues: UnknownEnumValuesPlugin<Types>;
    }
  }
}

type Resolver<Types extends SchemaTypes> = GraphQLFieldResolver<unknown, Types['Context'], object>;

export class UnknownEnumValuesPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(resolver: Resolver<Types>, fieldConfig: PothosOutputFieldConfig<Types>): Resolver<Types> {
    const { type } = fieldConfig;
    const list = type.kind === 'List';
    const named = list ? type.type : type;
    if (named.kind !== 'Enum' || !named.nullable) return resolver;
    // Read from the built enum at the first call, so its internal values are exactly what it serialises.
    let known: ReadonlySet<unknown> | undefined;
    const keep = (value: unknown, info: GraphQLResolveInfo): unknown => {
      if (value === null || value === undefined) return value;
      known ??= new Set((getNamedType(info.returnType) as GraphQLEnumType).getValues().map((v) => v.value));
      if (!list) return known.has(value) ? value : null;
      return Array.isArray(value) ? value.map((item: unknown) => (item === null || item === undefined || known!.has(item) ? item : null)) : value;
    };
    return (parent, args, context, info) => {
      const value = resolver(parent, args, context, info);
      return value instanceof Promise ? value.then((resolved: unknown) => keep(resolved, info)) : keep(value, info);
    };
  }
}

const pluginName = 'unknownEnumValues';
SchemaBuilder.registerPlugin(pluginName, UnknownEnumValuesPlugin);
export default pluginName;
