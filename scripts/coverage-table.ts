/**
 * The README's coverage section, printed from the operation maps:
 *   npx tsx scripts/coverage-table.ts
 * `test/gateway/coverage.test.ts` fails when the README's copy is stale.
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { OPERATION_COVERAGE } from '../src/schema/index.ts';

const TITLES: Record<string, string> = { chat: 'Programmable Chat v2', proxy: 'Proxy v1', events: 'Events v1', accounts: 'Accounts v1' };

export function renderCoverageTable(): string {
  const products = Object.entries(OPERATION_COVERAGE);
  const total = products.reduce((n, [, map]) => n + Object.keys(map).length, 0);
  const lines = [`| product | operations reachable |`, `|---|---|`];
  for (const [product, map] of products) lines.push(`| ${TITLES[product] ?? product} | ${Object.keys(map).length} |`);
  lines.push(`| **all** | **${total}** |`, '');
  for (const [product, map] of products) {
    lines.push(`<details><summary>${TITLES[product] ?? product}: operation → schema field</summary>`, '');
    lines.push('| operation | reached through |', '|---|---|');
    for (const [op, field] of Object.entries(map).sort(([a], [b]) => a.localeCompare(b))) lines.push(`| \`${op.split('.')[1]}\` | \`${field}\` |`);
    lines.push('', '</details>', '');
  }
  return lines.join('\n').trimEnd();
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) console.log(renderCoverageTable());
