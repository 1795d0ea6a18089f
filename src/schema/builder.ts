/**
 * The one Pothos builder: its plugins, options and scalars. It defines no
 * types; every type lives in its own file under `schema/<product>/`.
 */
import SchemaBuilder from '@pothos/core';
import RelayPlugin, { resolveNodes } from '@pothos/plugin-relay';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import DirectivesPlugin from '@pothos/plugin-directives';
import FederationPlugin from '@pothos/plugin-federation';
import UnknownEnumValuesPlugin from './shared/unknown-enums.ts';
import type { GatewayContext } from './context.ts';
import { decodeGlobalId, encodeGlobalId } from './shared/global-id.ts';
import { nodesOrStubs, stubOfNode } from './shared/keys.ts';
import { BoundedJSON } from './shared/json.ts';
import { DateTime, Url } from './shared/scalars.ts';

export const builder = new SchemaBuilder<{
  Context: GatewayContext;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    URL: { Input: URL; Output: URL | string };
    JSON: { Input: unknown; Output: unknown };
  };
  DefaultEdgesNullability: { list: false; items: true };
  DefaultNodeNullability: true;
}>({
  // Federation last: it wraps what the others build; it writes its keys as directives.
  plugins: [UnknownEnumValuesPlugin, RelayPlugin, DataloaderPlugin, SimpleObjectsPlugin, DirectivesPlugin, FederationPlugin],
  // Mutations are declared through shared/mutation.ts, not the plugin's relayMutationField: no relay mutation options.
  relay: {
    idFieldOptions: { description: 'Global ID, for `node(id:)`; it carries every SID needed to fetch the object.' },
    cursorType: 'String',
    // Items are nullable, as in GitHub's schema: an item whose own lists fail is null with an error at
    // its path, and the rest of the page still answers.
    nodesOnConnection: { description: 'The items of this page, without their cursors.' },
    encodeGlobalID: encodeGlobalId,
    decodeGlobalID: decodeGlobalId,
    // An object asked only for what lies under it is not fetched (see shared/keys.ts).
    nodeQueryOptions: {
      description: 'Fetches any object by its global ID.',
      args: { id: { description: 'The global ID of the object (its `id` field).' } },
      resolve: (_root, { id }, _ctx, info, resolveNode): unknown => stubOfNode(info, id) ?? resolveNode(id),
    },
    nodesQueryOptions: {
      description: 'Fetches objects by their global IDs, in the order given.',
      args: { ids: { description: 'The global IDs of the objects (their `id` fields).' } },
      resolve: (_root, { ids }, ctx, info): Promise<unknown[]> => nodesOrStubs(info, ids, (rest) => resolveNodes(builder, ctx, info, rest)),
    },
    nodeTypeOptions: { description: 'An object with a global ID, fetchable with `node(id:)`.' },
    // Shareable: every Relay subgraph of a supergraph defines the same PageInfo.
    pageInfoTypeOptions: { description: 'Where a page of a connection sits in the whole list.', shareable: true },
    edgesFieldOptions: { nullable: { list: false, items: true }, description: 'The items of this page, each with its cursor.' },
    pageInfoFieldOptions: { description: 'Whether there are items beyond this page, and the cursors to reach them.' },
    cursorFieldOptions: { description: 'Pass as `after` (or `before`) to continue from this item.' },
    nodeFieldOptions: { nullable: true, description: 'The item.' },
    hasNextPageFieldOptions: { description: 'Whether items follow this page.' },
    hasPreviousPageFieldOptions: { description: 'Whether items precede this page.' },
    startCursorFieldOptions: { description: 'The cursor of the first item of this page.' },
    endCursorFieldOptions: { description: 'The cursor of the last item of this page.' },
  },
});

// graphql-scalars' DateTime and URL, with less work for the values Twilio sends: see shared/scalars.ts.
builder.addScalarType('DateTime', DateTime, {});
builder.addScalarType('URL', Url, {});
// Bounded in depth and length: see shared/json.ts.
builder.addScalarType('JSON', BoundedJSON, {});

builder.queryType({ description: 'The root of every query.' });
// Mutation fields keep Pothos's default, nullable (as GitHub's and Shopify's are): a write that fails upstream is null
// with its error, while the writes before it in the same request keep their payloads.
builder.subscriptionType({
  description:
    "Live events, from Twilio's webhooks to the gateway: each subscription streams the events of what it names from now on, over Server-Sent Events (`Accept: text/event-stream`) or graphql-ws (WebSocket, `/graphql`).",
});
builder.mutationType({
  description:
    'Every write the gateway offers: one mutation per Twilio write operation. Each is nullable: one that fails upstream is null with its error, and the results of those before it in the request stand.',
});
