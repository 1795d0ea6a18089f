/**
 * Composes a Federation v2 supergraph from running subgraphs, the way the
 * federation test does: each subgraph's SDL is read from its `_service { sdl }`
 * and composed with @theguild/federation-composition.
 *
 *   npm run compose -- twilio=http://127.0.0.1:4000/graphql profiles=http://127.0.0.1:4001/graphql > supergraph.graphql
 *   npm run supergraph -- supergraph.graphql      # serves it with Hive Gateway on PORT (default 4100)
 */
import { parse } from 'graphql';
import { composeServices } from '@theguild/federation-composition';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

export interface SubgraphSource {
  name: string;
  url: string;
}

/** Reads a running subgraph's SDL through Federation's `_service` field. */
export async function fetchSubgraphSdl(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const body = (await res.json()) as { data?: { _service?: { sdl?: string } }; errors?: Array<{ message: string }> };
  const sdl = body.data?._service?.sdl;
  if (!sdl) throw new Error(`${url} did not answer _service { sdl }: ${body.errors?.map((e) => e.message).join('; ') ?? res.status}`);
  return sdl;
}

/** Composes the subgraphs into a supergraph SDL; throws with every composition error. */
export async function composeSupergraph(subgraphs: SubgraphSource[]): Promise<string> {
  const services = await Promise.all(subgraphs.map(async (s) => ({ name: s.name, url: s.url, typeDefs: parse(await fetchSubgraphSdl(s.url)) })));
  const result = composeServices(services);
  if (result.errors?.length || !result.supergraphSdl) {
    throw new Error(`Composition failed:\n${(result.errors ?? []).map((e) => `  - ${e.message}`).join('\n')}`);
  }
  return result.supergraphSdl;
}

async function main(): Promise<void> {
  const subgraphs = process.argv.slice(2).map((arg) => {
    const eq = arg.indexOf('=');
    if (eq < 1) throw new Error(`Expected name=url, got ${JSON.stringify(arg)}`);
    return { name: arg.slice(0, eq), url: arg.slice(eq + 1) };
  });
  if (subgraphs.length === 0) throw new Error('Usage: npm run compose -- <name>=<graphql url> ...');
  process.stdout.write(await composeSupergraph(subgraphs));
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
