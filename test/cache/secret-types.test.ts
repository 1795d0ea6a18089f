/**
 * Every output type with a field that can hold a credential is listed as
 * secret-bearing, so the response cache never keeps it: a new such field on
 * another type fails here until it is listed (or shown not to be a secret).
 */
import { describe, expect, it } from 'vitest';
import { isObjectType, isInterfaceType, getNamedType, isScalarType } from 'graphql';
import { schema } from '../../src/schema/index.ts';
import { SECRET_BEARING_TYPES } from '../../src/schema/shared/secrets.ts';

const SECRET_NAME = /token|secret|password|private|credential|writeKey$|apiKey$/i;

describe('secret-bearing types', () => {
  it('lists every type with a string field named like a secret', () => {
    const found = new Set<string>();
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
      for (const field of Object.values(type.getFields())) {
        const named = getNamedType(field.type);
        // Flags (`writeKeySet`), SIDs (`credentialSid`) and links to other objects are not secrets themselves.
        if (SECRET_NAME.test(field.name) && !field.name.endsWith('Sid') && isScalarType(named) && named.name === 'String') found.add(type.name);
      }
    }
    expect([...found].sort()).toEqual([...SECRET_BEARING_TYPES].sort());
  });

  it('lists only types of the schema', () => {
    for (const name of SECRET_BEARING_TYPES) expect(schema.getType(name), name).toBeDefined();
  });
});
