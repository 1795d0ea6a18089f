/** Small pieces every Events type uses: argument checks for Twilio's names, and loading from lists that belong to the account. */
import type { GatewayContext } from '../context.ts';
import type { TwilioPage } from '../../twilio/paging.ts';
import { badInput } from '../shared/errors.ts';
import { LONE_SURROGATE, isWellFormedText } from '../shared/validate.ts';
import { loadViaList } from '../shared/list-assisted.ts';
import { param } from '../shared/mutation.ts';

/**
 * An event type (`com.twilio.messaging.message.sent`) or schema ID
 * (`Messaging.MessageStatus`): a name, not a SID. It must be non-empty and
 * hold no `:` or whitespace, since it is part of node keys and REST paths.
 */
export function checkName(field: string, value: string, example: string): string {
  if (!/^[^\s:]+$/.test(value)) throw badInput(field, `expected a name such as ${example}, got ${JSON.stringify(value)}`);
  if (!isWellFormedText(value)) throw badInput(field, LONE_SURROGATE);
  return value;
}

export const checkEventType = (field: string, value: string) => checkName(field, value, 'com.twilio.messaging.message.sent');
export const checkSchemaId = (field: string, value: string) => checkName(field, value, 'Messaging.MessageStatus');

/** A schema version: a positive integer. */
export function checkSchemaVersion(field: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw badInput(field, `expected a schema version from 1, got ${value}`);
  return value;
}

/** A write's event type, sent as Twilio's `Type` (in the body to add one, in the path to name one), checked as `checkEventType` does. */
export function eventTypeParam(place: 'path' | 'body', description: string) {
  return param(place, 'Type', 'String', description, { required: true, send: (value, field) => checkEventType(field, value) });
}

/** A write's schema version, sent as Twilio's `SchemaVersion`, checked as `checkSchemaVersion` does. */
export function schemaVersionParam(description: string) {
  return param('body', 'SchemaVersion', 'Int', description, { send: (value, field) => checkSchemaVersion(field, value) });
}

/**
 * `loadViaList` for a list of the whole account, whose items are keyed by
 * their own SID or name alone: several wanted at once cost one read of the
 * list (up to 1000 items) instead of one fetch each.
 */
export function loadViaAccountList<R>(
  ctx: GatewayContext,
  keys: readonly string[],
  spec: {
    typename: string;
    listFrom: number;
    memoKey: string;
    listPage(): Promise<TwilioPage<R>>;
    fetchOne(id: string): Promise<R>;
    idOf(record: R): string;
    prime(record: R): void;
  },
): Promise<Array<R | Error>> {
  return loadViaList<R>(ctx, keys, {
    typename: spec.typename,
    listFrom: spec.listFrom,
    memoKey: () => spec.memoKey,
    listPage: () => spec.listPage(),
    fetchOne: (_, id) => spec.fetchOne(id),
    idsOf: (record) => [spec.idOf(record)],
    prime: (_, record) => spec.prime(record),
  });
}
