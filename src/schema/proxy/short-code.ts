/** ProxyShortCode: a Twilio short code in a Proxy service's number pool. */
import { builder } from '../builder.ts';
import * as proxy from '../../twilio/proxy.ts';
import type { ProxyShortCodeRecord } from '../../twilio/proxy.ts';
import type { GatewayContext } from '../context.ts';
import { nodeKey } from '../shared/global-id.ts';
import { childFields } from '../shared/children.ts';
import { loadViaList } from '../shared/list-assisted.ts';
import { twilioMutation } from '../shared/mutation.ts';
import { CAPABILITIES, pathSid, poolServiceSid } from './shared.ts';
import { ProxyService, serviceKeys, serviceOf } from './service.ts';

/** How short codes are read: the service's short codes once it is worth it, else one fetch each. */
function shortCodeSource(ctx: GatewayContext, listFrom: number) {
  return {
    typename: 'ProxyShortCode',
    listFrom,
    memoKey: (service: string) => `proxy.shortCodes:${service}`,
    listPage: (service: string) => proxy.listShortCodes(ctx.twilio, { path: { ServiceSid: service }, query: { PageSize: 1000 } }),
    fetchOne: (service: string, sid: string) => proxy.fetchShortCode(ctx.twilio, { path: { ServiceSid: service, Sid: sid } }),
    idsOf: (c: ProxyShortCodeRecord) => [c.sid!],
    prime: (service: string, c: ProxyShortCodeRecord) => ProxyShortCode.getDataloader(ctx).prime(nodeKey(service, c.sid!), c),
  };
}

/** Looked up directly, a short code is one fetch; two or more of one service wanted at once are one list read. */
export const ProxyShortCode = builder.loadableNodeRef<ProxyShortCodeRecord>('ProxyShortCode', {
  id: { resolve: (c) => nodeKey(c.service_sid!, c.sid!) },
  load: (keys, ctx) => loadViaList(ctx, keys, shortCodeSource(ctx, 2)),
  cacheResolved: (c) => nodeKey(c.service_sid!, c.sid!),
});

export const ProxyShortCodeConnection = builder.connectionObject(
  { type: ProxyShortCode, name: 'ProxyShortCodeConnection', description: 'A page of pool short codes.' },
  { description: 'A pool short code with its cursor.' },
);

/** The short code a participant was given: like pool phone numbers, read from the service's short code list once. */
export function shortCodeOf(ctx: GatewayContext, serviceSid: string, sid: string) {
  return ctx.twilio.cache
    .loader<ProxyShortCodeRecord>('proxy.shortCodesOfParticipants', (keys) => loadViaList(ctx, keys, shortCodeSource(ctx, 1)))
    .load(nodeKey(serviceSid, sid));
}

ProxyShortCode.implement({
  description: "A short code in a Proxy service's pool, given to participants of message-only sessions as their proxy identifier.",
  fields: (t) => ({
    sid: t.string({
      nullable: false,
      description: 'The unique string that Twilio created to identify the ShortCode resource (`SC…`).',
      resolve: (c) => c.sid!,
    }),
    accountSid: t.exposeString('account_sid', { description: 'The SID of the Account that created the ShortCode resource.' }),
    serviceSid: t.string({ nullable: false, description: "The SID of the ShortCode resource's parent Service.", resolve: (c) => c.service_sid! }),
    service: t.field({
      type: ProxyService,
      description: 'The service whose pool holds the short code.',
      resolve: (c, _, ctx, info) => serviceOf(ctx, info, c.service_sid),
    }),
    shortCode: t.exposeString('short_code', { description: "The short code's number." }),
    isoCountry: t.exposeString('iso_country', { description: 'The ISO Country Code for the short code.' }),
    capabilities: t.field({ type: 'JSON', description: CAPABILITIES, resolve: (c) => c.capabilities }),
    isReserved: t.exposeBoolean('is_reserved', {
      description: 'Whether the short code is reserved: not assigned to a participant by proxy pool logic, only when asked for by value.',
    }),
    dateCreated: t.field({ type: 'DateTime', description: 'When the resource was created.', resolve: (c) => c.date_created }),
    dateUpdated: t.field({ type: 'DateTime', description: 'When the resource was last updated.', resolve: (c) => c.date_updated }),
    url: t.field({ type: 'URL', description: 'The absolute URL of the ShortCode resource.', resolve: (c) => c.url }),
  }),
});

builder.objectFields(ProxyService, (t) => {
  const k = childFields(serviceKeys, t);
  return {
    shortCodes: k.connection({
      type: ProxyShortCodeConnection,
      description: "The short codes of the service's pool.",
      operation: proxy.proxyOperations.ListShortCode,
      request: (s) => ({ path: { ServiceSid: s.service } }),
    }),
    shortCode: k.bySid({
      type: ProxyShortCode,
      description: "One short code of the service's pool, by SID; null when there is none.",
      sid: 'SC',
      sidDescription: 'The SID of the short code (`SC…`).',
    }),
  };
});

// ---- mutations ----

/** The pool short code an update or delete names. */
const shortCodePath = { serviceSid: poolServiceSid, sid: pathSid('Sid', 'SC', 'The SID of the short code (`SC…`).') };

twilioMutation('createProxyShortCode', {
  operation: proxy.proxyOperations.CreateShortCode,
  description: "Adds a Twilio short code to a service's pool.",
  input: {
    description: "A Twilio short code to add to a service's pool.",
    fields: (p) => ({
      serviceSid: poolServiceSid,
      sid: p.body('Sid', 'String', 'The SID (`SC…`) of the Twilio ShortCode resource to assign to the Proxy Service.', { required: true, sid: 'SC' }),
    }),
  },
  result: { field: 'proxyShortCode', type: ProxyShortCode },
});

twilioMutation('updateProxyShortCode', {
  operation: proxy.proxyOperations.UpdateShortCode,
  description: 'Reserves a pool short code, or releases it to proxy pool logic.',
  input: {
    description: 'Changes to a short code of a pool; fields left out stay as they are.',
    fields: (p) => ({
      ...shortCodePath,
      isReserved: p.body(
        'IsReserved',
        'Boolean',
        'Whether the short code is reserved: not assigned to a participant by proxy pool logic, only when asked for by value.',
      ),
    }),
  },
  result: { field: 'proxyShortCode', type: ProxyShortCode },
});

twilioMutation('deleteProxyShortCode', {
  operation: proxy.proxyOperations.DeleteShortCode,
  description: "Removes a short code from a service's pool.",
  input: { description: "The short code to remove from a service's pool.", fields: () => shortCodePath },
  result: { deletes: 'ProxyShortCode' },
});
