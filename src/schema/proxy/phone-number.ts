/** ProxyPhoneNumber: a Twilio phone number in a Proxy service's number pool. */
import { builder } from '../builder.ts';
import * as proxy from '../../twilio/proxy.ts';
import type { ProxyPhoneNumberRecord } from '../../twilio/proxy.ts';
import type { GatewayContext } from '../context.ts';
import { nodeKey } from '../shared/global-id.ts';
import { childFields } from '../shared/children.ts';
import { loadViaList } from '../shared/list-assisted.ts';
import { param, twilioMutation } from '../shared/mutation.ts';
import { CAPABILITIES, pathSid, poolServiceSid } from './shared.ts';
import { ProxyService, serviceKeys, serviceOf } from './service.ts';

/** How phone numbers are read: the service's pool once it is worth it, else one fetch each. */
function phoneNumberSource(ctx: GatewayContext, listFrom: number) {
  return {
    typename: 'ProxyPhoneNumber',
    listFrom,
    memoKey: (service: string) => `proxy.phoneNumbers:${service}`,
    listPage: (service: string) => proxy.listPhoneNumbers(ctx.twilio, { path: { ServiceSid: service }, query: { PageSize: 1000 } }),
    fetchOne: (service: string, sid: string) => proxy.fetchPhoneNumber(ctx.twilio, { path: { ServiceSid: service, Sid: sid } }),
    idsOf: (n: ProxyPhoneNumberRecord) => [n.sid!],
    prime: (service: string, n: ProxyPhoneNumberRecord) => ProxyPhoneNumber.getDataloader(ctx).prime(nodeKey(service, n.sid!), n),
  };
}

/** Looked up directly, a number is one fetch; two or more of one service wanted at once are one read of its pool. */
export const ProxyPhoneNumber = builder.loadableNodeRef<ProxyPhoneNumberRecord>('ProxyPhoneNumber', {
  id: { resolve: (n) => nodeKey(n.service_sid!, n.sid!) },
  load: (keys, ctx) => loadViaList(ctx, keys, phoneNumberSource(ctx, 2)),
  cacheResolved: (n) => nodeKey(n.service_sid!, n.sid!),
});

export const ProxyPhoneNumberConnection = builder.connectionObject(
  { type: ProxyPhoneNumber, name: 'ProxyPhoneNumberConnection', description: 'A page of pool phone numbers.' },
  { description: 'A pool phone number with its cursor.' },
);

/**
 * The pool number a participant was given. Participants of many sessions
 * share a handful of pool numbers (often both participants of a session hold
 * the same one), so these links read the service's pool once (up to 1000
 * numbers in one call) rather than fetching each number.
 */
export function phoneNumberOf(ctx: GatewayContext, serviceSid: string, sid: string) {
  return ctx.twilio.cache
    .loader<ProxyPhoneNumberRecord>('proxy.phoneNumbersOfParticipants', (keys) => loadViaList(ctx, keys, phoneNumberSource(ctx, 1)))
    .load(nodeKey(serviceSid, sid));
}

ProxyPhoneNumber.implement({
  description: "A phone number in a Proxy service's pool, given to participants as their proxy identifier.",
  fields: (t) => ({
    sid: t.string({
      nullable: false,
      description: 'The unique string that Twilio created to identify the PhoneNumber resource (`PN…`).',
      resolve: (n) => n.sid!,
    }),
    accountSid: t.exposeString('account_sid', { description: 'The SID of the Account that created the PhoneNumber resource.' }),
    serviceSid: t.string({ nullable: false, description: "The SID of the PhoneNumber resource's parent Service.", resolve: (n) => n.service_sid! }),
    service: t.field({
      type: ProxyService,
      description: 'The service whose pool holds the number.',
      resolve: (n, _, ctx, info) => serviceOf(ctx, info, n.service_sid),
    }),
    phoneNumber: t.exposeString('phone_number', { description: 'The phone number in E.164 format: a + followed by the country code and subscriber number.' }),
    friendlyName: t.exposeString('friendly_name', { description: 'The string that you assigned to describe the resource.' }),
    isoCountry: t.exposeString('iso_country', { description: 'The ISO Country Code for the phone number.' }),
    capabilities: t.field({ type: 'JSON', description: CAPABILITIES, resolve: (n) => n.capabilities }),
    isReserved: t.exposeBoolean('is_reserved', {
      description: 'Whether the phone number is reserved: not assigned to a participant by proxy pool logic, only when asked for by value.',
    }),
    inUse: t.exposeInt('in_use', { description: 'The number of open sessions assigned to the number.' }),
    dateCreated: t.field({ type: 'DateTime', description: 'When the resource was created.', resolve: (n) => n.date_created }),
    dateUpdated: t.field({ type: 'DateTime', description: 'When the resource was last updated.', resolve: (n) => n.date_updated }),
    url: t.field({ type: 'URL', description: 'The absolute URL of the PhoneNumber resource.', resolve: (n) => n.url }),
  }),
});

builder.objectFields(ProxyService, (t) => {
  const k = childFields(serviceKeys, t);
  return {
    phoneNumbers: k.connection({
      type: ProxyPhoneNumberConnection,
      description: "The phone numbers of the service's pool.",
      operation: proxy.proxyOperations.ListPhoneNumber,
      request: (s) => ({ path: { ServiceSid: s.service } }),
    }),
    phoneNumber: k.bySid({
      type: ProxyPhoneNumber,
      description: "One phone number of the service's pool, by SID; null when there is none.",
      sid: 'PN',
      sidDescription: 'The SID of the phone number (`PN…`).',
    }),
  };
});

// ---- mutations ----

/** Whether a pool number is reserved, as it is added or changed. */
const isReserved = param(
  'body',
  'IsReserved',
  'Boolean',
  'Whether the number is reserved: not assigned to a participant by proxy pool logic, only when asked for by value.',
);

/** The pool number an update or delete names. */
const phoneNumberPath = { serviceSid: poolServiceSid, sid: pathSid('Sid', 'PN', 'The SID of the phone number (`PN…`).') };

twilioMutation('createProxyPhoneNumber', {
  operation: proxy.proxyOperations.CreatePhoneNumber,
  description: "Adds a Twilio phone number to a service's pool.",
  input: {
    description: "A Twilio phone number to add to a service's pool, named by its SID, its number, or both.",
    fields: (p) => ({
      serviceSid: poolServiceSid,
      sid: p.body('Sid', 'String', 'The SID (`PN…`) of the Twilio IncomingPhoneNumber resource to assign to the Proxy Service.', { sid: 'PN' }),
      phoneNumber: p.body('PhoneNumber', 'String', 'The phone number in E.164 format, without punctuation: for example `+14155551234`.'),
      isReserved,
    }),
  },
  result: { field: 'proxyPhoneNumber', type: ProxyPhoneNumber },
});

twilioMutation('updateProxyPhoneNumber', {
  operation: proxy.proxyOperations.UpdatePhoneNumber,
  description: 'Reserves a pool phone number, or releases it to proxy pool logic.',
  input: { description: 'Changes to a phone number of a pool; fields left out stay as they are.', fields: () => ({ ...phoneNumberPath, isReserved }) },
  result: { field: 'proxyPhoneNumber', type: ProxyPhoneNumber },
});

twilioMutation('deleteProxyPhoneNumber', {
  operation: proxy.proxyOperations.DeletePhoneNumber,
  description: "Removes a phone number from a service's pool.",
  input: { description: "The phone number to remove from a service's pool.", fields: () => phoneNumberPath },
  result: { deletes: 'ProxyPhoneNumber' },
});
