/**
 * Every enum field of the served schema copes with a value its enum does not
 * know (see src/schema/shared/unknown-enums.ts): it is nullable and resolves
 * such a value to null, whatever the field.
 */
import { getNamedType, getNullableType, isEnumType, isListType, isNonNullType, isObjectType, type GraphQLResolveInfo } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../src/schema/index.ts';

const ENUM_FIELDS = Object.values(schema.getTypeMap())
  .filter(isObjectType)
  .filter((type) => !type.name.startsWith('__'))
  .flatMap((type) => Object.values(type.getFields()).map((field) => ({ coordinate: `${type.name}.${field.name}`, field })))
  .filter(({ field }) => isEnumType(getNamedType(field.type)));

/** Values the gateway makes itself, never Twilio's: non-null, and left alone. */
const GATEWAY_VALUES = ['TwilioUserError.code'];

/** A record whose every property, at any depth, is a value no enum knows. */
const unknownEverywhere: unknown = new Proxy(
  {},
  { get: (_target, key) => (key === 'then' ? undefined : typeof key === 'symbol' ? undefined : 'value-no-spec-lists') },
);

describe('enum fields', () => {
  it('are read from the schema, in every product', () => {
    expect(ENUM_FIELDS.map((f) => f.coordinate)).toEqual(
      expect.arrayContaining([
        'ChatChannel.type',
        'ChatMessage.type',
        'ProxySession.status',
        'ProxyInteraction.type',
        'EventSink.sinkType',
        'EventSinkWebhookConfiguration.method',
      ]),
    );
  });

  it('are nullable where Twilio sends the value (items too, for lists)', () => {
    const nonNull = ENUM_FIELDS.filter(({ field }) => {
      const type = getNullableType(field.type);
      return isNonNullType(field.type) || (isListType(type) && isNonNullType(type.ofType));
    });
    expect(nonNull.map((f) => f.coordinate)).toEqual(GATEWAY_VALUES);
  });

  it.each(ENUM_FIELDS.filter((f) => !GATEWAY_VALUES.includes(f.coordinate)).map((f) => [f.coordinate, f.field] as const))(
    '%s resolves a value its enum does not know to null',
    async (_coordinate, field) => {
      const info = { returnType: field.type, fieldName: field.name } as unknown as GraphQLResolveInfo;
      const value = await field.resolve!(unknownEverywhere, {}, {}, info);
      expect(value).toBeNull();
    },
  );
});
