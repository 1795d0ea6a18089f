/** ProxyService: a Proxy service, the root of sessions and of the number pool (phone numbers and short codes). */
import { builder } from '../builder.ts';
import * as proxy from '../../twilio/proxy.ts';
import type { ProxyServiceRecord } from '../../twilio/proxy.ts';
import type { GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context.ts';
import { nodeKey } from '../shared/global-id.ts';
import { fetchEach } from '../shared/node.ts';
import { resolveConnection, twilioList } from '../shared/connection.ts';
import { forwardArgs } from '../shared/args.ts';
import { checkKey } from '../shared/validate.ts';
import { NodeKeys, lookupDescription } from '../shared/keys.ts';
import { type ParamKit, twilioMutation } from '../shared/mutation.ts';
import { UNIQUE_NAME, pathSid } from './shared.ts';
import { ChatService, serviceKeys as chatServiceKeys } from '../chat/service.ts';

export const ProxyGeoMatchLevel = builder.enumType('ProxyGeoMatchLevel', {
  description:
    'Where a proxy number must be located relative to the participant identifier. More specific areas than `COUNTRY` are only available in North America.',
  values: {
    AREA_CODE: { value: 'area-code', description: 'In the same area code as the participant.' },
    OVERLAY: { value: 'overlay', description: "In an area code that overlays the participant's." },
    RADIUS: { value: 'radius', description: "Within a radius of the participant's area." },
    COUNTRY: { value: 'country', description: 'In the same country as the participant (the default).' },
  } as const,
});

export const ProxyNumberSelectionBehavior = builder.enumType('ProxyNumberSelectionBehavior', {
  description: 'The preference for Proxy Number selection in the Service.',
  values: {
    AVOID_STICKY: {
      value: 'avoid-sticky',
      description: 'Try to use different Proxy Numbers as long as that is possible within the pool, rather than a previously assigned number.',
    },
    PREFER_STICKY: {
      value: 'prefer-sticky',
      description: 'Try to select the same Proxy Number for a participant that had previous Sessions, without failing if it cannot be used (the default).',
    },
  } as const,
});

/**
 * A service is reached by its SID or unique name; the paths under it take
 * only the SID (the specs give them the `KS` pattern), so a service named by
 * unique name is read for its SID.
 */
export const serviceKeys = new NodeKeys<ProxyServiceRecord, { service: string }>(
  'ProxyService',
  { service: { sid: 'KS', name: 'self' } },
  (s) => ({ service: s.sid! }),
  (ctx, key): Promise<ProxyServiceRecord | null> => ProxyService.getDataloader(ctx).load(key),
);

/** Loader keys are a service's SID or its unique name (Twilio fetches a service by either). */
export const ProxyService = builder.loadableNodeRef<ProxyServiceRecord>('ProxyService', {
  id: serviceKeys.id,
  load: (keys, ctx) =>
    fetchEach(keys, 'ProxyService', async ([sidOrName]) => {
      const record = await proxy.fetchService(ctx.twilio, { path: { Sid: sidOrName! } });
      // A service fetched by unique name is also kept under its SID.
      if (record.sid !== sidOrName) ProxyService.getDataloader(ctx).prime(nodeKey(record.sid!), record);
      return record;
    }),
  cacheResolved: (s) => serviceKeys.cacheKey(s),
});

export const ProxyServiceConnection = builder.connectionObject(
  { type: ProxyService, name: 'ProxyServiceConnection', description: 'A page of Proxy services.' },
  { description: 'A Proxy service with its cursor.' },
);

/** The service a child resource belongs to: not read when the query asks only for what lies under it. */
export function serviceOf(ctx: GatewayContext, info: GraphQLResolveInfo, serviceSid: string | null) {
  return serviceSid ? serviceKeys.resolve(ctx, info, { service: serviceSid }, { exists: true }) : null;
}

ProxyService.implement({
  description: 'A Proxy service: a pool of proxy numbers and the sessions that connect two participants through them, each seeing only the proxy number.',
  fields: (t) => ({
    sid: serviceKeys.fields(t).key()({
      type: 'String',
      nullable: false,
      description: 'The unique string that Twilio created to identify the Service resource (`KS…`).',
      resolve: (s) => s.service,
    }),
    accountSid: t.exposeString('account_sid', { description: 'The SID of the Account that created the Service resource.' }),
    uniqueName: t.exposeString('unique_name', {
      description:
        'An application-defined string that uniquely identifies the resource, usable instead of the SID to fetch it. At most 191 characters; it should not hold PII.',
    }),
    chatInstanceSid: t.exposeString('chat_instance_sid', {
      description:
        'The SID of the Chat Service Instance managed by the Proxy Service, to which Proxy forwards SMS and channel messages. A one-to-one relationship.',
    }),
    chatService: t.field({
      type: ChatService,
      description: 'The Chat service Proxy forwards SMS and channel messages to; null when there is none.',
      // Proxy may name a Chat service that no longer exists: asked only for what lies under it, that is a NOT_FOUND error.
      resolve: (s, _, ctx, info) => (s.chat_instance_sid ? chatServiceKeys.resolve(ctx, info, { service: s.chat_instance_sid }) : null),
    }),
    defaultTtl: t.exposeInt('default_ttl', {
      description:
        "The default `ttl` of Sessions created in the Service: seconds after the Session's last create or last Interaction. `0` means an unlimited Session length.",
    }),
    geoMatchLevel: t.field({
      type: ProxyGeoMatchLevel,
      description: 'Where a proxy number must be located relative to the participant identifier.',
      resolve: (s) => s.geo_match_level,
    }),
    numberSelectionBehavior: t.field({
      type: ProxyNumberSelectionBehavior,
      description: 'The preference for Proxy Number selection in the Service.',
      resolve: (s) => s.number_selection_behavior,
    }),
    callbackUrl: t.field({ type: 'URL', description: 'The URL Twilio calls when the interaction status changes.', resolve: (s) => s.callback_url }),
    interceptCallbackUrl: t.field({
      type: 'URL',
      description: 'The URL Twilio calls on each interaction. A 403 answer blocks the interaction; any other lets it continue.',
      resolve: (s) => s.intercept_callback_url,
    }),
    outOfSessionCallbackUrl: t.field({
      type: 'URL',
      description: 'The URL Twilio calls when an inbound call or SMS arrives for a closed or non-existent Session; valid TwiML in the answer is processed.',
      resolve: (s) => s.out_of_session_callback_url,
    }),
    dateCreated: t.field({ type: 'DateTime', description: 'When the resource was created.', resolve: (s) => s.date_created }),
    dateUpdated: t.field({ type: 'DateTime', description: 'When the resource was last updated.', resolve: (s) => s.date_updated }),
    url: t.field({ type: 'URL', description: 'The absolute URL of the Service resource.', resolve: (s) => s.url }),
    links: t.field({ type: 'JSON', description: 'The URLs of resources related to the Service.', resolve: (s) => s.links }),
  }),
});

builder.queryFields((t) => ({
  proxyServices: t.field({
    type: ProxyServiceConnection,
    nullable: false,
    description: 'The Proxy services of the account.',
    args: forwardArgs(t.arg),
    resolve: (_, args, ctx) => resolveConnection(twilioList(ctx, proxy.proxyOperations.ListService, {}), args),
  }),
  proxyService: t.field({
    type: ProxyService,
    description: lookupDescription('A Proxy service by SID or unique name (a service named by unique name is always read, for its SID)', 'service'),
    args: { sidOrUniqueName: t.arg.string({ required: true, description: 'The SID (`KS…`) or unique name of the service.' }) },
    resolve: (_, { sidOrUniqueName }, ctx, info) => serviceKeys.resolve(ctx, info, { service: checkKey('sidOrUniqueName', sidOrUniqueName, 'KS') }),
  }),
}));

// ---- mutations ----

/** The URLs Twilio calls, as a service is created or changed with them. */
function callbackUrls(p: ParamKit<Pick<proxy.ProxyUpdateServiceRequest, 'body'>>) {
  return {
    callbackUrl: p.body('CallbackUrl', 'URL', 'The URL Twilio should call when the interaction status changes.'),
    interceptCallbackUrl: p.body('InterceptCallbackUrl', 'URL', 'The URL Twilio calls on each interaction; a 403 answer blocks it.'),
    outOfSessionCallbackUrl: p.body(
      'OutOfSessionCallbackUrl',
      'URL',
      'The URL Twilio should call when an inbound call or SMS arrives for a closed or non-existent Session.',
    ),
  };
}

/** The `sid` of the service an update or delete names. */
const serviceSid = pathSid('Sid', 'KS', 'The SID of the service (`KS…`).');

twilioMutation('createProxyService', {
  operation: proxy.proxyOperations.CreateService,
  description: 'Creates a Proxy service.',
  input: {
    description: 'A new Proxy service.',
    fields: (p) => ({
      uniqueName: p.body('UniqueName', 'String', UNIQUE_NAME, { required: true }),
      chatInstanceSid: p.body(
        'ChatInstanceSid',
        'String',
        'The SID (`IS…`) of the Chat Service Instance Proxy forwards SMS and channel messages to. A one-to-one relationship.',
        { sid: 'IS' },
      ),
      defaultTtl: p.body(
        'DefaultTtl',
        'Int',
        "The default `ttl` of the Service's Sessions, in seconds after the Session's last create or last Interaction; `0` (the default) means unlimited.",
      ),
      geoMatchLevel: p.body(
        'GeoMatchLevel',
        ProxyGeoMatchLevel,
        'Where a proxy number must be located relative to the participant identifier; `COUNTRY` when omitted.',
      ),
      numberSelectionBehavior: p.body(
        'NumberSelectionBehavior',
        ProxyNumberSelectionBehavior,
        'The preference for Proxy Number selection; `PREFER_STICKY` when omitted.',
      ),
      ...callbackUrls(p),
    }),
  },
  result: { field: 'proxyService', type: ProxyService },
});

twilioMutation('updateProxyService', {
  operation: proxy.proxyOperations.UpdateService,
  description: 'Changes a Proxy service.',
  input: {
    description: 'Changes to a Proxy service; fields left out stay as they are.',
    fields: (p) => ({
      sid: serviceSid,
      uniqueName: p.body('UniqueName', 'String', UNIQUE_NAME),
      chatInstanceSid: p.body('ChatInstanceSid', 'String', 'The SID (`IS…`) of the Chat Service Instance Proxy forwards SMS and channel messages to.', {
        sid: 'IS',
      }),
      defaultTtl: p.body('DefaultTtl', 'Int', "The default `ttl` of the Service's Sessions, in seconds; `0` means unlimited."),
      geoMatchLevel: p.body('GeoMatchLevel', ProxyGeoMatchLevel, 'Where a proxy number must be located relative to the participant identifier.'),
      numberSelectionBehavior: p.body('NumberSelectionBehavior', ProxyNumberSelectionBehavior, 'The preference for Proxy Number selection.'),
      ...callbackUrls(p),
    }),
  },
  result: { field: 'proxyService', type: ProxyService },
});

twilioMutation('deleteProxyService', {
  operation: proxy.proxyOperations.DeleteService,
  description: 'Deletes a Proxy service with its sessions, participants, interactions and number pool.',
  input: { description: 'The Proxy service to delete, with its sessions and number pool.', fields: () => ({ sid: serviceSid }) },
  result: { deletes: 'ProxyService' },
});
