/**
 * The layering of src/, read from the import statements of every file
 * (`import`, `export … from`, `import()`, type-only ones included):
 * - no two files import each other, directly or through others;
 * - the REST layer (src/twilio/) imports only itself and packages that know
 *   nothing of GraphQL: no graphql, no @pothos, no schema, no server file;
 * - nothing below the server (any folder of src/: schema, limits, cache, live,
 *   observability, twilio, emulator) imports the files that make the server
 *   (src/context.ts, src/gateway.ts, src/main.ts …).
 * Each failure lists the offending imports, file and line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The files that make the server; the layers below it never import them. */
const SERVER_FILES = [
  'src/main.ts',
  'src/gateway.ts',
  'src/context.ts',
  'src/graphql-ws.ts',
  'src/incremental.ts',
  'src/compiled-execution.ts',
  'src/config.ts',
];

/** Packages of the GraphQL side, which the REST layer never imports. */
const GRAPHQL_PACKAGE = /^(graphql|graphql-[^/]+|@graphql-[^/]+\/[^/]+|@pothos\/[^/]+|@envelop\/[^/]+|@apollo\/[^/]+|@escape\.tech\/graphql-[^/]+)(\/.*)?$/;

interface Import {
  /** The importing file, relative to the repository (`src/schema/index.ts`). */
  from: string;
  line: number;
  /** As written: `graphql`, `../context.ts`. */
  specifier: string;
  /** For a relative specifier, the file it names, relative to the repository. */
  to: string | undefined;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return ts.preProcessFile(text, true, true).importedFiles.map(({ fileName, pos }) => ({
    from: file,
    line: text.slice(0, pos).split('\n').length,
    specifier: fileName,
    to: fileName.startsWith('.')
      ? relative(ROOT, resolve(join(ROOT, dirname(file)), fileName))
          .split('\\')
          .join('/')
      : undefined,
  }));
}

const show = (i: Import) => `${i.from}:${i.line} imports ${i.specifier}`;

/** The import cycles among `imports`: for each group of files that reach one another, the imports between them. */
function cycles(imports: readonly Import[]): Import[][] {
  const edges = new Map<string, Import[]>();
  for (const i of imports) if (i.to !== undefined) edges.set(i.from, [...(edges.get(i.from) ?? []), i]);
  // Tarjan's strongly connected components.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const { to } of edges.get(file) ?? []) {
      if (!index.has(to!)) {
        visit(to!);
        low.set(file, Math.min(low.get(file)!, low.get(to!)!));
      } else if (onStack.has(to!)) low.set(file, Math.min(low.get(file)!, index.get(to!)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    groups.push(group);
  };
  for (const file of edges.keys()) if (!index.has(file)) visit(file);
  return groups
    .map((group) => imports.filter((i) => group.includes(i.from) && i.to !== undefined && group.includes(i.to)))
    .filter((within) => within.length > 0);
}

const files = sourceFiles('src');
const imports = files.flatMap(importsOf);

describe('the layers of src/', () => {
  it('reads the imports of every source file', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(imports.filter((i) => i.to !== undefined).length).toBeGreaterThan(500);
  });

  it('has no import cycle', () => {
    const found = cycles(imports);
    expect(
      found.map((cycle) => cycle.map(show)),
      'files that import each other, directly or through others',
    ).toEqual([]);
  });

  it('keeps the REST layer free of GraphQL, the schema and the server', () => {
    const offending = imports.filter(
      (i) => i.from.startsWith('src/twilio/') && (i.to === undefined ? GRAPHQL_PACKAGE.test(i.specifier) : !i.to.startsWith('src/twilio/')),
    );
    expect(offending.map(show), 'src/twilio/ imports only itself and packages that know nothing of GraphQL').toEqual([]);
  });

  it('keeps the server files out of every layer below the server', () => {
    const offending = imports.filter((i) => i.from.split('/').length > 2 && i.to !== undefined && SERVER_FILES.includes(i.to));
    expect(offending.map(show), `no folder of src/ imports ${SERVER_FILES.join(', ')}`).toEqual([]);
  });
});

describe('the checks themselves', () => {
  const edge = (from: string, to: string, line = 1): Import => ({ from, line, specifier: `./${to.split('/').pop()}`, to });

  it('find each cycle with the imports that make it, and nothing outside one', () => {
    const found = cycles([
      edge('a.ts', 'b.ts'),
      edge('b.ts', 'c.ts', 2),
      edge('c.ts', 'a.ts', 3),
      edge('c.ts', 'd.ts', 4),
      edge('d.ts', 'd.ts', 5),
      edge('e.ts', 'a.ts'),
    ]);
    expect(found.map((cycle) => cycle.map(show).sort())).toEqual([
      ['d.ts:5 imports ./d.ts'],
      ['a.ts:1 imports ./b.ts', 'b.ts:2 imports ./c.ts', 'c.ts:3 imports ./a.ts'],
    ]);
  });

  it('tell GraphQL packages from the others', () => {
    for (const name of [
      'graphql',
      'graphql/index.js',
      'graphql-yoga',
      '@graphql-yoga/plugin-defer-stream',
      '@pothos/core',
      '@envelop/core',
      '@apollo/subgraph',
    ]) {
      expect(GRAPHQL_PACKAGE.test(name), name).toBe(true);
    }
    for (const name of ['undici', 'ioredis', 'dataloader', 'node:http', 'lru-cache']) expect(GRAPHQL_PACKAGE.test(name), name).toBe(false);
  });
});
