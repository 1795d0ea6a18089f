/**
 * Every node's `id` resolves synchronously from its record (the Relay
 * plugin, as patched in `patches/`, awaits only an ID that is a promise): a
 * promise per object would cost every list that selects its IDs, as a
 * frontend's normalised cache always does. Fails when the patch is missing.
 */
import { describe, expect, it } from 'vitest';
import { isObjectType, type GraphQLResolveInfo } from 'graphql';
import { schema } from '../../src/schema/index.ts';
import { decodeGlobalId } from '../../src/schema/shared/global-id.ts';

describe('node id fields', () => {
  it('answer the global ID at once, not a promise', () => {
    const member = {
      sid: 'MB00000000000000000000000000000001',
      service_sid: 'IS00000000000000000000000000000001',
      channel_sid: 'CH00000000000000000000000000000001',
    };
    const field = (schema.getType('ChatMember') as ReturnType<typeof schema.getQueryType> & object).getFields().id!;
    const id = field.resolve!(member, {}, {}, {} as GraphQLResolveInfo);
    expect(typeof id).toBe('string');
    expect(decodeGlobalId(id as string)).toEqual({ typename: 'ChatMember', id: `${member.service_sid}:${member.channel_sid}:${member.sid}` });
  });

  it('is the case for every node type', () => {
    const nodes = Object.values(schema.getTypeMap()).filter((t) => isObjectType(t) && t.getInterfaces().some((i) => i.name === 'Node'));
    expect(nodes.length).toBeGreaterThan(20);
    for (const type of nodes) {
      const resolve = (type as ReturnType<typeof schema.getQueryType> & object).getFields().id!.resolve!;
      // A record with every SID a key may need: the ID is built from it without a call.
      const record = new Proxy({}, { get: (_, key) => (typeof key === 'string' && key !== 'then' ? 'XX00000000000000000000000000000001' : undefined) });
      const id = resolve(record, {}, {}, {} as GraphQLResolveInfo);
      expect(typeof id, type.name).toBe('string');
    }
  });
});
