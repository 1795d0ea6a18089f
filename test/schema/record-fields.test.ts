/**
 * Every property of every record in specs/ is a field of its GraphQL type
 * (camelCase), so the schema is no thinner than the REST API it fronts. A spec
 * change that adds a property fails here until the type has the field.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isObjectType } from 'graphql';
import { publicSchema } from '../../src/schema/index.ts';

const SPECS: Record<string, string> = { chat: 'ip_messaging_v2.json', proxy: 'proxy_v1.json', events: 'events_v1.json', accounts: 'accounts_v1.json' };

/** The GraphQL type of each record component. */
const TYPES: Record<string, string> = {
  'ip_messaging.v2.credential': 'ChatCredential',
  'ip_messaging.v2.service': 'ChatService',
  'ip_messaging.v2.service.binding': 'ChatBinding',
  'ip_messaging.v2.service.channel': 'ChatChannel',
  'ip_messaging.v2.service.channel.channel_webhook': 'ChatChannelWebhook',
  'ip_messaging.v2.service.channel.invite': 'ChatInvite',
  'ip_messaging.v2.service.channel.member': 'ChatMember',
  'ip_messaging.v2.service.channel.message': 'ChatMessage',
  'ip_messaging.v2.service.role': 'ChatRole',
  'ip_messaging.v2.service.user': 'ChatUser',
  'ip_messaging.v2.service.user.user_binding': 'ChatUserBinding',
  'ip_messaging.v2.service.user.user_channel': 'ChatUserChannel',
  'proxy.v1.service': 'ProxyService',
  'proxy.v1.service.phone_number': 'ProxyPhoneNumber',
  'proxy.v1.service.session': 'ProxySession',
  'proxy.v1.service.session.interaction': 'ProxyInteraction',
  'proxy.v1.service.session.participant': 'ProxyParticipant',
  'proxy.v1.service.session.participant.message_interaction': 'ProxyMessageInteraction',
  'proxy.v1.service.short_code': 'ProxyShortCode',
  'events.v1.event_type': 'EventType',
  'events.v1.schema': 'EventSchema',
  'events.v1.schema.schema_version': 'EventSchemaVersion',
  'events.v1.sink': 'EventSink',
  'events.v1.subscription': 'EventSubscription',
  'events.v1.subscription.subscribed_event': 'EventSubscribedEvent',
  'accounts.v1.auth_token_promotion': 'AuthTokenPromotion',
  'accounts.v1.credential.credential_aws': 'AwsCredential',
  'accounts.v1.credential.credential_public_key': 'PublicKeyCredential',
  'accounts.v1.safelist': 'SafeListNumber',
  'accounts.v1.secondary_auth_token': 'SecondaryAuthToken',
};

/** Records whose one property is served by a mutation payload rather than a type of their own. */
const PAYLOAD_RECORDS = new Set([
  'events.v1.sink.sink_test',
  'events.v1.sink.sink_validate',
  'accounts.v1.bulk_consents',
  'accounts.v1.bulk_contacts',
  'accounts.v1.credential',
]);

/** Properties served under another name, and why. */
const RENAMED: Record<string, string> = {
  // `id` is the Relay global ID on every node; Twilio's own id is beside it.
  'EventSchema.id': 'schemaId',
  'EventSchemaVersion.id': 'schemaId',
  // The number, beside the object it names (`latestVersion`, `schemaVersion`).
  'EventSchema.latestVersion': 'latestVersionNumber',
  'EventSubscribedEvent.schemaVersion': 'schemaVersionNumber',
  // `secondaryAuthToken { authToken }` rather than `secondaryAuthToken { secondaryAuthToken }`.
  'SecondaryAuthToken.secondaryAuthToken': 'authToken',
};

const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

describe('record fields', () => {
  for (const [product, file] of Object.entries(SPECS)) {
    const schemas = (
      JSON.parse(readFileSync(new URL(`../../specs/${file}`, import.meta.url), 'utf8')) as {
        components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
      }
    ).components.schemas;
    const records = Object.entries(schemas).filter(([name, schema]) => schema.properties && !/Request$|Response$/.test(name));

    it(`gives every ${product} record a GraphQL type`, () => {
      expect(records.map(([name]) => name).filter((name) => !TYPES[name] && !PAYLOAD_RECORDS.has(name))).toEqual([]);
    });

    it(`serves every property of every ${product} record`, () => {
      const missing: string[] = [];
      for (const [name, schema] of records) {
        const typeName = TYPES[name];
        if (!typeName) continue;
        const type = publicSchema.getType(typeName);
        if (!isObjectType(type)) {
          missing.push(`${typeName} (no such type)`);
          continue;
        }
        for (const property of Object.keys(schema.properties!)) {
          const field = RENAMED[`${typeName}.${camel(property)}`] ?? camel(property);
          if (!type.getFields()[field]) missing.push(`${typeName}.${field} (${name}.${property})`);
        }
      }
      expect(missing).toEqual([]);
    });
  }
});
