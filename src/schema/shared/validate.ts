/**
 * Argument checks made before any REST call, so a bad argument costs no
 * Twilio request and its error names the argument.
 */
import { badInput } from './errors.ts';

const sidPatterns = new Map<string, RegExp>();
function sidPattern(prefix: string): RegExp {
  let pattern = sidPatterns.get(prefix);
  if (!pattern) sidPatterns.set(prefix, (pattern = new RegExp(`^${prefix}[0-9a-fA-F]{32}$`)));
  return pattern;
}

/** A SID with its two-letter prefix and 32 hex digits, as the specs' patterns say. */
export function checkSid(field: string, value: string, prefix: string): string {
  if (!sidPattern(prefix).test(value)) {
    throw badInput(field, `expected a SID: ${prefix} followed by 32 hexadecimal digits, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Where Twilio takes a SID or a name (unique name, identity): any non-empty text a path can carry. */
export function checkKey(field: string, value: string, prefix: string): string {
  if (value.trim() === '') throw badInput(field, `expected a ${prefix} SID or a name, got an empty string`);
  if (!isWellFormedText(value)) throw badInput(field, LONE_SURROGATE);
  return value;
}

/** Why text holding a lone surrogate is refused; the text itself is not repeated. */
export const LONE_SURROGATE = 'holds a lone UTF-16 surrogate (half of a pair), which is not text a REST path can carry';

/** Whether a value is a SID of the given prefix rather than a name. */
export function isSid(value: string, prefix: string): boolean {
  return sidPattern(prefix).test(value);
}

/** False for text holding a lone UTF-16 surrogate: not text UTF-8 can encode, and encodeURIComponent throws on it. */
export function isWellFormedText(value: string): boolean {
  // With the u flag a surrogate pair is one code point, so \p{Cs} matches lone surrogates only.
  return !/\p{Cs}/u.test(value);
}
