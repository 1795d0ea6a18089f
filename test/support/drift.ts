/**
 * Drift checks: a file of the repository (or a part of one, such as a table
 * of the README) against what the code makes of it now. The assertion is on
 * the two texts, so a stale file fails with a unified diff of the lines that
 * differ (vitest's, `- Expected` being what the code makes now and
 * `+ Received` what the repository holds), under a message that names the
 * file, its first differing line and how to bring it up to date (most
 * often the command that rewrites it).
 * Soft assertions: a check of many files reports every stale one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A path as the repository names it: from its root. */
export function repoPath(path: string): string {
  return isAbsolute(path) ? relative(ROOT, path) : path;
}

/** A file of the repository (by its path from the root, or an absolute one); undefined when there is none. */
export function readRepoFile(path: string): string | undefined {
  const file = isAbsolute(path) ? path : ROOT + path;
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** The line, counted from 1, where two texts first differ (undefined when they are the same). */
export function firstDifferentLine(a: string, b: string): number | undefined {
  if (a === b) return undefined;
  const left = a.split('\n');
  const right = b.split('\n');
  let line = 0;
  while (line < left.length && line < right.length && left[line] === right[line]) line++;
  return line + 1;
}

/**
 * Checks that `committed`, the text the repository holds for `what`, is
 * `expected`, what the code makes now; `fix` says how to bring it up to
 * date ("run `npm run generate`").
 */
export function expectUpToDate(what: string, committed: string | undefined, expected: string, fix: string): void {
  const lines = committed?.includes('\n') || expected.includes('\n');
  const message =
    committed === undefined
      ? `${what} is missing: ${fix}`
      : `${what} is stale${lines ? ` from its line ${firstDifferentLine(committed, expected)}` : ''}: ${fix}`;
  expect.soft(committed, message).toBe(expected);
}

/** Checks a file of the repository against what `command` writes there now. */
export function expectFileUpToDate(path: string, expected: string, command: string): void {
  expectUpToDate(repoPath(path), readRepoFile(path), expected, `run \`${command}\` to rewrite it`);
}

/**
 * The part of a Markdown text that starts with the line `firstLine` and ends
 * before the next heading (trailing blank lines dropped); undefined when no
 * line is `firstLine`.
 */
export function markdownSection(markdown: string, firstLine: string): string | undefined {
  const lines = markdown.split('\n');
  const start = lines.indexOf(firstLine);
  if (start < 0) return undefined;
  let end = start + 1;
  while (end < lines.length && !/^#{1,6} /.test(lines[end]!)) end++;
  return lines.slice(start, end).join('\n').trimEnd();
}
