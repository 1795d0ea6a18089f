/**
 * The handshake that makes a sink active: `testEventSink` has Twilio send
 * the sink a test event carrying a test ID; `validateEventSink` sends that ID
 * back, proving the events arrive.
 */
import { builder } from '../builder.ts';
import * as events from '../../twilio/events.ts';
import { nodeKey } from '../shared/global-id.ts';
import { checkSid } from '../shared/validate.ts';
import { badInput } from '../shared/errors.ts';
import { UserError, runWrite, type Payload } from '../shared/mutation.ts';
import { EventSink } from './sink.ts';

/** What Twilio answered, with the sink it answered about. */
interface HandshakeResult {
  result: string | null;
  sinkSid: string;
}

function handshakePayload(name: string, description: string, resultDescription: string) {
  return builder.objectRef<Payload<HandshakeResult>>(name).implement({
    description,
    fields: (t) => ({
      result: t.string({ nullable: true, description: `${resultDescription} Null when the call was refused.`, resolve: (p) => p.result?.result ?? null }),
      eventSink: t.field({
        type: EventSink,
        nullable: true,
        description: 'The sink as it is now, its status changed; null when the call was refused.',
        resolve: (p, _, ctx) => (p.result ? EventSink.getDataloader(ctx).load(nodeKey(p.result.sinkSid)) : null),
      }),
      userErrors: t.field({ type: [UserError], nullable: false, description: 'Why the call was refused; empty on success.', resolve: (p) => p.userErrors }),
    }),
  });
}

const TestEventSinkPayload = handshakePayload(
  'TestEventSinkPayload',
  'The result of testEventSink.',
  'Feedback indicating whether the test event was generated (`submitted`).',
);

const ValidateEventSinkPayload = handshakePayload(
  'ValidateEventSinkPayload',
  'The result of validateEventSink.',
  'Feedback indicating whether the given Sink was validated (`valid`).',
);

const TestEventSinkInput = builder.inputType('TestEventSinkInput', {
  description: 'The sink to send a test event to.',
  fields: (t) => ({
    sid: t.string({ required: true, description: 'A 34 character string that uniquely identifies the Sink to be Tested (`DG…`).' }),
  }),
});

const ValidateEventSinkInput = builder.inputType('ValidateEventSinkInput', {
  description: 'The sink being validated, and the ID of the test event it received.',
  fields: (t) => ({
    sid: t.string({ required: true, description: 'A 34 character string that uniquely identifies the Sink being validated (`DG…`).' }),
    testId: t.string({ required: true, description: 'A 34 character string that uniquely identifies the test event for a Sink being validated, as the sink received it.' }),
  }),
});

builder.mutationFields((t) => ({
  testEventSink: t.field({
    type: TestEventSinkPayload,
    description: 'Has Twilio send a test event to a sink, to check its destination receives events. On sinks made before validation was retired, an `INITIALIZED` or `FAILED` sink becomes `VALIDATING`, and the event carries the test ID `validateEventSink` needs.',
    args: { input: t.arg({ type: TestEventSinkInput, required: true, description: 'The sink to send a test event to.' }) },
    resolve: async (_, { input }, ctx) => {
      const sid = checkSid('input.sid', input.sid, 'DG');
      const payload = await runWrite(ctx, {}, async () => ({ result: (await events.createSinkTest(ctx.twilio, { path: { Sid: sid } })).result, sinkSid: sid }));
      return payload;
    },
  }),
  validateEventSink: t.field({
    type: ValidateEventSinkPayload,
    description: 'Sends back the ID of a test event the sink received, which makes the sink `ACTIVE`.',
    args: { input: t.arg({ type: ValidateEventSinkInput, required: true, description: 'The sink and the ID of the test event it received.' }) },
    resolve: async (_, { input }, ctx) => {
      const sid = checkSid('input.sid', input.sid, 'DG');
      if (input.testId.trim() === '') throw badInput('input.testId', 'expected the ID of a test event the sink received, got an empty string');
      const payload = await runWrite(ctx, { TestId: 'testId' }, async () => ({
        result: (await events.createSinkValidate(ctx.twilio, { path: { Sid: sid }, body: { TestId: input.testId } })).result,
        sinkSid: sid,
      }));
      return payload;
    },
  }),
}));
