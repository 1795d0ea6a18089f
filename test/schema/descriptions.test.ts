/**
 * GraphQL descriptions are the API's documentation (GraphiQL shows them): every
 * type, field, argument, input field and enum value of the public schema has one.
 */
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isSpecifiedScalarType,
  isIntrospectionType,
  type GraphQLNamedType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { publicSchema } from '../../src/schema/index.ts';

/** Scalars graphql-scalars defines and describes itself. */
const LIBRARY_SCALARS = new Set(['DateTime', 'URL', 'JSON']);

const described = (description: string | null | undefined) => typeof description === 'string' && description.trim() !== '';

/** Schema coordinates (`Type.field(arg:)`) of every element without a description. */
function undescribed(type: GraphQLNamedType): string[] {
  const missing: string[] = [];
  if (!described(type.description)) missing.push(type.name);
  if (isObjectType(type) || isInterfaceType(type)) {
    for (const field of Object.values(type.getFields())) {
      if (!described(field.description)) missing.push(`${type.name}.${field.name}`);
      for (const arg of field.args) if (!described(arg.description)) missing.push(`${type.name}.${field.name}(${arg.name}:)`);
    }
  } else if (isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) if (!described(field.description)) missing.push(`${type.name}.${field.name}`);
  } else if (isEnumType(type)) {
    for (const value of type.getValues()) if (!described(value.description)) missing.push(`${type.name}.${value.name}`);
  }
  return missing;
}

describe('descriptions', () => {
  it('describe every type, field, argument, input field and enum value', () => {
    const types = Object.values(publicSchema.getTypeMap()).filter(
      (type) => !isIntrospectionType(type) && !(isScalarType(type) && (isSpecifiedScalarType(type) || LIBRARY_SCALARS.has(type.name))),
    );
    expect(types.length).toBeGreaterThan(100);
    const missing = types.flatMap(undescribed);
    expect(missing, `${missing.length} schema elements without a description:\n${missing.join('\n')}`).toEqual([]);
  });
});
