/** The cost model prices a subscription per event, as it prices a query: the fields each event resolves. */
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { OPERATION_COVERAGE, schema } from '../../src/schema/index.ts';
import { CostModel } from '../../src/limits/cost.ts';

const model = new CostModel(schema, OPERATION_COVERAGE);
const ARGS = `serviceSid: "IS${'0'.repeat(32)}", channelSid: "CH${'0'.repeat(32)}"`;

function estimate(query: string) {
  const document = parse(query);
  expect(validate(schema, document)).toEqual([]);
  return model.estimate(document, undefined, {});
}

describe('cost model: subscriptions', () => {
  it("counts at most one read of the event's object and one per linked list, per event", () => {
    expect(estimate(`subscription { chatMessageAdded(${ARGS}) { body author { friendlyName } } }`)).toEqual({ restCalls: 2, nodes: 2, complete: true });
    // The prediction is an upper bound: a message built from its webhook is not read at all.
    expect(estimate(`subscription { chatMessageAdded(${ARGS}) { channel { members(first: 10) { nodes { identity } } } } }`).restCalls).toBe(2);
  });

  it('walks the typed events of a stream as execution does, fragments and all', () => {
    const cost = estimate(`subscription { chatChannelEvents(${ARGS}) {
      ... on ChatEvent { eventType }
      ... on ChatMessageAddedEvent { message { body author { friendlyName } } }
      ... on ChatMemberLeftEvent { user { friendlyName } role { friendlyName } }
    } }`);
    expect(cost.complete).toBe(true);
    expect(cost.restCalls).toBe(4);
    expect(estimate(`subscription { eventStreamEvents { id data eventType { description } } }`).restCalls).toBe(1);
  });
});
