/**
 * Serves a composed supergraph with Hive Gateway, as the federation test does:
 *   npm run supergraph -- supergraph.graphql     (PORT, default 4100)
 * With MAX_COST set, Hive Gateway's demand control refuses an operation whose
 * estimate from the subgraphs' `@cost`/`@listSize` passes it, before sending
 * any subgraph a request (for this gateway's subgraph the estimate is in REST
 * calls: give it MAX_REST_CALLS_PER_REQUEST, see the README).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';

const file = process.argv[2];
if (!file) {
  console.error('Usage: npm run supergraph -- <supergraph.graphql>');
  process.exit(2);
}
const port = Number(process.env.PORT ?? 4100);
const maxCost = process.env.MAX_COST === undefined ? undefined : Number(process.env.MAX_COST);
if (maxCost !== undefined && !(Number.isInteger(maxCost) && maxCost > 0)) {
  console.error(`MAX_COST must be a positive whole number, but is ${JSON.stringify(process.env.MAX_COST)}`);
  process.exit(2);
}
const gateway = createGatewayRuntime({
  supergraph: readFileSync(file, 'utf8'),
  ...(maxCost ? { demandControl: { maxCost, includeExtensionMetadata: true } } : {}),
});
createServer(gateway).listen(port, '127.0.0.1', () => {
  console.log(`Supergraph from ${file} on http://127.0.0.1:${port}/graphql${maxCost ? `, refusing operations estimated over ${maxCost}` : ''}`);
});
