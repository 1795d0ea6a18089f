/**
 * Serves a composed supergraph with Hive Gateway, as the federation test does:
 *   npm run supergraph -- supergraph.graphql     (PORT, default 4100)
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
const gateway = createGatewayRuntime({ supergraph: readFileSync(file, 'utf8') });
createServer(gateway).listen(port, '127.0.0.1', () => {
  console.log(`Supergraph from ${file} on http://127.0.0.1:${port}/graphql`);
});
