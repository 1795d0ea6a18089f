/**
 * Event Streams demo data, on top of the catalogue every account has: sinks
 * of each type, most active (taken through test and validate, as was needed
 * when they were made), two made before Twilio stopped asking for validation
 * and left as they were then, one tested but not validated and one never
 * tested; and subscriptions of the active sinks to event types of the
 * catalogue, some pinned to an older schema version.
 */
import { sinkTestIds } from '../rules/events.ts';
import type { Seeder } from './seeder.ts';

type SinkType = 'webhook' | 'kinesis' | 'segment';

/** Seeds Event Streams after the catalogue every account gets. */
export function seedEvents(seeder: Seeder): void {
  const since = -20_000;
  const sink = (description: string, type: SinkType, configuration: Record<string, unknown>, minutes: number) =>
    seeder.create('events.CreateSink', {}, { Description: description, SinkType: type, SinkConfiguration: configuration }, minutes);

  const ops = sink('Ops alerts webhook', 'webhook', { destination: 'https://ops.acme.example/twilio/events', method: 'POST', batch_events: false }, since);
  const warehouse = sink(
    'Data warehouse stream',
    'kinesis',
    {
      arn: 'arn:aws:kinesis:us-east-1:123456789012:stream/acme-twilio-events',
      role_arn: 'arn:aws:iam::123456789012:role/acme-twilio-event-streams',
      external_id: 'acme-demo-4f1c2d',
    },
    since + 20,
  );
  const analytics = sink('Product analytics (Segment)', 'segment', { write_key: 'acme-segment-write-key-demo' }, since + 40);
  const marketing = sink('Marketing workspace (Segment)', 'segment', { write_key: 'acme-marketing-write-key-demo' }, since + 60);
  const staging = sink(
    'Staging webhook',
    'webhook',
    { destination: 'https://staging.acme.example/twilio/events', method: 'POST', batch_events: true },
    since + 80,
  );

  // Test sends a test event to the sink; Validate sends back the id it carried, which makes the sink active.
  for (const [sid, minutes] of [
    [ops, since + 5],
    [warehouse, since + 25],
    [analytics, since + 45],
  ] as const) {
    seeder.call('events.CreateSinkTest', { Sid: sid }, {}, minutes);
    const testId = sinkTestIds(seeder.account, sid).at(-1)!;
    seeder.call('events.CreateSinkValidate', { Sid: sid }, { TestId: testId }, minutes + 2);
  }
  seeder.call('events.CreateSinkTest', { Sid: marketing }, {}, since + 65);
  // New sinks are active at once today; these two date from when a sink waited for its validation:
  // tested but never validated (`validating`), and never tested (`initialized`).
  seeder.account.update(seeder.account.get(`/v1/Sinks/${marketing}`)!, { status: 'validating' });
  seeder.account.update(seeder.account.get(`/v1/Sinks/${staging}`)!, { status: 'initialized' });

  const subscribe = (description: string, sinkSid: string, types: Array<string | [string, number]>, minutes: number) =>
    seeder.create(
      'events.CreateSubscription',
      {},
      {
        Description: description,
        SinkSid: sinkSid,
        // Without a schema version a type follows the latest; with one it stays on that version.
        Types: types.map((t) => (typeof t === 'string' ? { type: t } : { type: t[0], schema_version: t[1] })),
      },
      minutes,
    );

  const delivery = subscribe(
    'Message delivery to the data warehouse',
    warehouse,
    [
      'com.twilio.messaging.message.queued',
      'com.twilio.messaging.message.sent',
      'com.twilio.messaging.message.delivered',
      ['com.twilio.messaging.message.undelivered', 2],
      ['com.twilio.messaging.message.failed', 2],
    ],
    since + 120,
  );
  subscribe('Inbound messages to the data warehouse', warehouse, [['com.twilio.messaging.inbound-message.received', 1]], since + 130);
  subscribe(
    'Call summaries to product analytics',
    analytics,
    ['com.twilio.voice.insights.call-summary.complete', ['com.twilio.voice.insights.call-summary.partial', 3]],
    since + 140,
  );
  const alerts = subscribe('Errors and failed flows to ops', ops, ['com.twilio.errorlogs.error.logged', 'com.twilio.studio.flow.execution.ended'], since + 150);
  subscribe(
    'Contact centre activity to ops',
    ops,
    ['com.twilio.taskrouter.task.created', 'com.twilio.taskrouter.task.completed', ['com.twilio.taskrouter.reservation.accepted', 2]],
    since + 160,
  );

  // Subscriptions change after they are made: a type added to one, a version pinned on another.
  seeder.call('events.CreateSubscribedEvent', { SubscriptionSid: alerts }, { Type: 'com.twilio.studio.flow.step.ended', SchemaVersion: 1 }, since + 2_000);
  seeder.call(
    'events.UpdateSubscribedEvent',
    { SubscriptionSid: delivery, Type: 'com.twilio.messaging.message.delivered' },
    { SchemaVersion: 2 },
    since + 3_000,
  );
}
