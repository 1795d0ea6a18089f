/**
 * The handshake that makes a sink active: `testEventSink` has Twilio send
 * the sink a test event carrying a test ID; `validateEventSink` sends that ID
 * back, proving the events arrive.
 */
import { builder } from '../builder.ts';
import * as events from '../../twilio/events.ts';
import { nodeKey } from '../shared/global-id.ts';
import { badInput } from '../shared/errors.ts';
import { UserError, twilioMutation, type Payload } from '../shared/mutation.ts';
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

/** Sends the call, keeping the sink it was about for the payload's `eventSink`. */
async function handshake({ request, send }: { request: { path: { Sid: string } }; send(): Promise<{ result: string | null }> }): Promise<HandshakeResult> {
  return { result: (await send()).result, sinkSid: request.path.Sid };
}

twilioMutation('testEventSink', {
  operation: events.eventsOperations.CreateSinkTest,
  description:
    'Has Twilio send a test event to a sink, to check its destination receives events. On sinks made before validation was retired, an `INITIALIZED` or `FAILED` sink becomes `VALIDATING`, and the event carries the test ID `validateEventSink` needs.',
  input: {
    description: 'The sink to send a test event to.',
    argument: 'The sink to send a test event to.',
    fields: (p) => ({
      sid: p.path('Sid', { sid: 'DG', description: 'A 34 character string that uniquely identifies the Sink to be Tested (`DG…`).' }),
    }),
  },
  result: { payload: TestEventSinkPayload },
  write: handshake,
});

twilioMutation('validateEventSink', {
  operation: events.eventsOperations.CreateSinkValidate,
  description: 'Sends back the ID of a test event the sink received, which makes the sink `ACTIVE`.',
  input: {
    description: 'The sink being validated, and the ID of the test event it received.',
    argument: 'The sink and the ID of the test event it received.',
    fields: (p) => ({
      sid: p.path('Sid', { sid: 'DG', description: 'A 34 character string that uniquely identifies the Sink being validated (`DG…`).' }),
      testId: p.body('TestId', 'String', 'A 34 character string that uniquely identifies the test event for a Sink being validated, as the sink received it.', {
        required: true,
        send: (testId, field) => {
          if (testId.trim() === '') throw badInput(field, 'expected the ID of a test event the sink received, got an empty string');
          return testId;
        },
      }),
    }),
  },
  result: { payload: ValidateEventSinkPayload },
  write: handshake,
});
