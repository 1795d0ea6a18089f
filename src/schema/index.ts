/** Imports every product's types and builds the schema; defines nothing itself. */
import { printSubgraphSchema } from '@apollo/subgraph';
import { builder } from './builder.ts';
import { checkNodeTypes } from './shared/global-id.ts';
import { checkKeyOnlyFields } from './shared/keys.ts';
import { operationCoverage } from './coverage.ts';
import { CostModel } from '../limits/cost.ts';
import { applyCostDirectives, costDirectives } from '../limits/cost-directives.ts';
import './chat/index.ts';
import './proxy/index.ts';
import './events/index.ts';
import './accounts/index.ts';
import './federation.ts';

/**
 * The schema the gateway serves: the public schema plus Federation's `_service` and `_entities`.
 * Federation v2.9, the first with the cost spec's `@cost` and `@listSize`.
 */
export const schema = builder.toSubGraphSchema({ linkUrl: 'https://specs.apollo.dev/federation/v2.9', sortSchema: true });

/** Which field reaches each REST operation (see coverage.ts). */
export const OPERATION_COVERAGE = operationCoverage(schema);

/** What each operation costs in REST calls, read from the schema (see limits/cost.ts). */
export const costModel = new CostModel(schema, OPERATION_COVERAGE);

// The demand-control directives a router reads, from the same model as the gateway's own prediction.
applyCostDirectives(schema, costDirectives(costModel));

/** The subgraph SDL, with its keys and cost directives: what `_service { sdl }` answers and `schema/subgraph.graphql` holds. */
export const subgraphSdl = printSubgraphSchema(schema);
// The builder printed the SDL before the cost directives were written: `_service` answers this one.
schema.getQueryType()!.getFields()._service!.resolve = () => ({ sdl: subgraphSdl });

/** The same graph without Federation's additions: what clients code against (`schema/schema.graphql`). */
export const publicSchema = builder.toSchema({ sortSchema: true });

checkNodeTypes(publicSchema);
checkKeyOnlyFields(schema);
