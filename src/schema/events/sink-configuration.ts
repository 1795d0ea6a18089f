/**
 * EventSinkConfiguration: where a sink delivers, typed by sink type (a
 * webhook URL, a Kinesis stream, a Segment workspace), and the one-of input
 * that creates it. A Segment write key is a credential: it is sent to Twilio
 * and never served, neither typed nor in the JSON form.
 */
import { builder } from '../builder.ts';
import type { EventsSinkType } from '../../twilio/events.ts';

export const EventSinkWebhookMethod = builder.enumType('EventSinkWebhookMethod', {
  description: 'The HTTP method Twilio calls a webhook sink with.',
  values: {
    GET: { value: 'GET', description: 'Events in the query string.' },
    POST: { value: 'POST', description: 'Events in the request body.' },
  } as const,
});

/** `sink_configuration` as Twilio sends it (snake_case), whatever the sink type. */
type ConfigurationFields = Record<string, unknown>;

/** A sink's configuration, credentials removed, with the sink type that fixes its shape. */
export interface TypedConfiguration {
  sinkType: EventsSinkType;
  fields: ConfigurationFields;
}

const text = (value: unknown) => (typeof value === 'string' ? value : null);

const EventSinkWebhookConfiguration = builder.objectRef<TypedConfiguration>('EventSinkWebhookConfiguration').implement({
  description: 'Where a webhook sink delivers: an HTTP(S) URL Twilio calls with the events.',
  fields: (t) => ({
    destination: t.field({ type: 'URL', nullable: true, description: 'The URL Twilio sends the events to.', resolve: (c) => text(c.fields.destination) }),
    method: t.field({
      type: EventSinkWebhookMethod,
      nullable: true,
      description: 'The HTTP method Twilio calls the URL with.',
      resolve: (c) => (text(c.fields.method)?.toUpperCase() ?? null) as 'GET' | 'POST' | null,
    }),
    batchEvents: t.boolean({
      nullable: true,
      description: 'Whether Twilio sends several events in one call (a JSON array) rather than one call per event.',
      resolve: (c) => (typeof c.fields.batch_events === 'boolean' ? c.fields.batch_events : null),
    }),
  }),
});

const EventSinkKinesisConfiguration = builder.objectRef<TypedConfiguration>('EventSinkKinesisConfiguration').implement({
  description: 'Where a Kinesis sink delivers: an Amazon Kinesis data stream, written through an IAM role Twilio assumes.',
  fields: (t) => ({
    arn: t.string({
      nullable: true,
      description: 'The ARN of the Kinesis stream (`arn:aws:kinesis:<region>:<account>:stream/<name>`).',
      resolve: (c) => text(c.fields.arn),
    }),
    roleArn: t.string({
      nullable: true,
      description: 'The ARN of the IAM role Twilio assumes to write to the stream.',
      resolve: (c) => text(c.fields.role_arn),
    }),
    externalId: t.string({
      nullable: true,
      description: "The external ID Twilio presents when it assumes the role (the role's trust policy requires it).",
      resolve: (c) => text(c.fields.external_id),
    }),
  }),
});

const EventSinkSegmentConfiguration = builder.objectRef<TypedConfiguration & { writeKeySet: boolean }>('EventSinkSegmentConfiguration').implement({
  description: 'Where a Segment sink delivers: a Segment source, named by its write key. The write key is a credential and is never returned.',
  fields: (t) => ({
    writeKeySet: t.exposeBoolean('writeKeySet', { nullable: false, description: 'Whether the sink holds a write key; the key itself is write-only.' }),
  }),
});

export const EventSinkConfiguration = builder.unionType('EventSinkConfiguration', {
  description: "Where a sink delivers events; its shape depends on the sink's type.",
  types: [EventSinkWebhookConfiguration, EventSinkKinesisConfiguration, EventSinkSegmentConfiguration],
  resolveType: (c) =>
    c.sinkType === 'webhook' ? EventSinkWebhookConfiguration : c.sinkType === 'kinesis' ? EventSinkKinesisConfiguration : EventSinkSegmentConfiguration,
});

/** Keys whose values are credentials: never served. */
const SECRET_KEYS = new Set(['write_key']);

function withoutSecrets(fields: ConfigurationFields): ConfigurationFields {
  const out: ConfigurationFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_KEYS.has(key.toLowerCase())) continue;
    out[key] = typeof value === 'object' && value !== null && !Array.isArray(value) ? withoutSecrets(value as ConfigurationFields) : value;
  }
  return out;
}

/** The configuration as Twilio sent it (an object, or JSON text), parsed; null when it is neither. */
function parse(value: unknown): ConfigurationFields | null {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value) as unknown;
    } catch {
      return null;
    }
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as ConfigurationFields) : null;
}

/** The configuration for `sinkConfigurationJson`: as Twilio sent it, credentials removed. */
export function servedConfiguration(value: unknown): ConfigurationFields | null {
  const fields = parse(value);
  return fields && withoutSecrets(fields);
}

/** The configuration for the union, credentials removed; null for a sink type this schema does not know. */
export function typedConfiguration(sinkType: EventsSinkType | null, value: unknown): TypedConfiguration | null {
  const fields = parse(value);
  if (!fields || (sinkType !== 'webhook' && sinkType !== 'kinesis' && sinkType !== 'segment')) return null;
  const writeKeySet = typeof fields.write_key === 'string' && fields.write_key !== '';
  return { sinkType, fields: withoutSecrets(fields), writeKeySet } as TypedConfiguration;
}

// ---- input ----

const EventSinkWebhookConfigurationInput = builder.inputType('EventSinkWebhookConfigurationInput', {
  description: 'A webhook sink: Twilio calls this URL with the events.',
  fields: (t) => ({
    destination: t.field({ type: 'URL', required: true, description: 'Sent as `destination`: the HTTP(S) URL Twilio sends the events to.' }),
    method: t.field({ type: EventSinkWebhookMethod, required: true, description: 'Sent as `method`: the HTTP method Twilio calls the URL with.' }),
    batchEvents: t.boolean({
      required: true,
      description: 'Sent as `batch_events`: whether Twilio sends several events in one call rather than one call per event.',
    }),
  }),
});

const EventSinkKinesisConfigurationInput = builder.inputType('EventSinkKinesisConfigurationInput', {
  description: 'A Kinesis sink: Twilio writes the events to this stream through an IAM role it assumes.',
  fields: (t) => ({
    arn: t.string({ required: true, description: 'Sent as `arn`: the ARN of the Kinesis stream.' }),
    roleArn: t.string({ required: true, description: 'Sent as `role_arn`: the ARN of the IAM role Twilio assumes to write to the stream.' }),
    externalId: t.string({ required: true, description: "Sent as `external_id`: the external ID the role's trust policy requires." }),
  }),
});

const EventSinkSegmentConfigurationInput = builder.inputType('EventSinkSegmentConfigurationInput', {
  description: 'A Segment sink: Twilio sends the events to the Segment source with this write key.',
  fields: (t) => ({
    writeKey: t.string({
      required: true,
      description: 'Sent as `write_key`: the write key of the Segment source. Write-only: sent to Twilio, never returned.',
    }),
  }),
});

export const EventSinkConfigurationInput = builder.inputType('EventSinkConfigurationInput', {
  description: 'Where a new sink delivers: exactly one of `webhook`, `kinesis` or `segment`, which also sets the sink type.',
  isOneOf: true,
  fields: (t) => ({
    webhook: t.field({ type: EventSinkWebhookConfigurationInput, description: 'A webhook sink.' }),
    kinesis: t.field({ type: EventSinkKinesisConfigurationInput, description: 'An Amazon Kinesis sink.' }),
    segment: t.field({ type: EventSinkSegmentConfigurationInput, description: 'A Segment sink.' }),
  }),
});

type ConfigurationInput =
  | { webhook: { destination: URL; method: 'GET' | 'POST'; batchEvents: boolean } }
  | { kinesis: { arn: string; roleArn: string; externalId: string } }
  | { segment: { writeKey: string } };

/** `SinkType` and `SinkConfiguration` for a write, from the one-of input. */
export function sinkParams(input: ConfigurationInput): { SinkType: EventsSinkType; SinkConfiguration: Record<string, unknown> } {
  if ('webhook' in input && input.webhook) {
    const c = input.webhook;
    return { SinkType: 'webhook', SinkConfiguration: { destination: c.destination.toString(), method: c.method, batch_events: c.batchEvents } };
  }
  if ('kinesis' in input && input.kinesis) {
    const c = input.kinesis;
    return { SinkType: 'kinesis', SinkConfiguration: { arn: c.arn, role_arn: c.roleArn, external_id: c.externalId } };
  }
  const c = (input as { segment: { writeKey: string } }).segment;
  return { SinkType: 'segment', SinkConfiguration: { write_key: c.writeKey } };
}
