/**
 * JSON in and out of the schema. Twilio keeps JSON as text (Chat `attributes`,
 * Proxy interaction `data`); the `JSON` scalar takes any JSON value, within
 * bounds: nested at most MAX_JSON_DEPTH levels and at most MAX_JSON_BYTES
 * long, so no input can overflow the stack of JSON.stringify or grow without
 * limit on its way to Twilio. Values come in two ways, both checked: as
 * variables (the scalar's parseValue) and as literals in the document (a
 * validation rule, which knows the field and names it).
 */
import { GraphQLError, GraphQLScalarType, Kind, getNamedType, type ASTVisitor, type ValidationContext, type ValueNode } from 'graphql';
import { JSONResolver } from 'graphql-scalars';
import { badInput } from './errors.ts';

/** Deepest nesting of objects and arrays a JSON input may have. */
export const MAX_JSON_DEPTH = 100;
/** Longest a JSON input may be, as UTF-8 JSON text: four times the 16 KiB Twilio allows for attributes. */
export const MAX_JSON_BYTES = 64 * 1024;

const TOO_DEEP = `JSON values may nest at most ${MAX_JSON_DEPTH} levels deep`;
const TOO_LONG = `JSON values may be at most ${MAX_JSON_BYTES} bytes long`;

/** Whether a value nests deeper than `limit`; walked without recursion, so any depth is measured safely. */
function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [item, depth] = pending.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return false;
}

/** Why a JSON value is out of bounds, or undefined when it is within them. */
export function jsonBoundsProblem(value: unknown): string | undefined {
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) return TOO_DEEP;
  // Shallow enough now for JSON.stringify's recursion.
  const text = JSON.stringify(value) as string | undefined;
  if (text !== undefined && Buffer.byteLength(text) > MAX_JSON_BYTES) return TOO_LONG;
  return undefined;
}

/**
 * The `JSON` scalar with its inputs bounded. A variable out of bounds fails
 * its coercion; the gateway's error masking names the field from the
 * variable's path (`input.attributes`).
 */
export const BoundedJSON = new GraphQLScalarType({
  ...JSONResolver.toConfig(),
  parseValue(value) {
    const problem = jsonBoundsProblem(value);
    if (problem) throw new GraphQLError(problem, { extensions: { code: 'BAD_USER_INPUT' } });
    return value;
  },
});

/** Depth and a rough length of a literal: strings count their text, other leaves one byte each. */
function literalSize(node: ValueNode): { depth: number; bytes: number } {
  let depth = 0;
  let bytes = 0;
  const pending: Array<[ValueNode, number]> = [[node, 0]];
  while (pending.length > 0) {
    const [item, level] = pending.pop()!;
    if (item.kind === Kind.OBJECT || item.kind === Kind.LIST) {
      depth = Math.max(depth, level + 1);
      if (depth > MAX_JSON_DEPTH) break;
      if (item.kind === Kind.OBJECT) for (const field of item.fields) pending.push([field.value, level + 1]);
      else for (const value of item.values) pending.push([value, level + 1]);
    } else {
      bytes += item.kind === Kind.STRING ? Buffer.byteLength(item.value) : 1;
    }
  }
  return { depth, bytes };
}

/**
 * Bounds `JSON` literals of the document (and variables' default values),
 * naming the argument or input field (`input.attributes`) or the variable. A
 * variable inside a literal is bounded as a variable, so together they nest
 * at most twice the limit.
 */
export function JsonLiteralBoundsRule(context: ValidationContext): ASTVisitor {
  const path: string[] = [];
  // Fields inside a JSON value have no input type, so only the argument or field holding it is checked.
  const enter = (name: string, value: ValueNode | undefined) => {
    path.push(name);
    if (!value || getNamedType(context.getInputType())?.name !== 'JSON') return;
    const { depth, bytes } = literalSize(value);
    const problem = depth > MAX_JSON_DEPTH ? TOO_DEEP : bytes > MAX_JSON_BYTES ? TOO_LONG : undefined;
    if (problem) {
      const error = badInput(path.join('.'), problem);
      context.reportError(new GraphQLError(error.message, { nodes: value, extensions: error.extensions }));
    }
  };
  // Never skips a node (returning false would skip its leave too, and the path would drift).
  const leave = () => void path.pop();
  return {
    VariableDefinition: { enter: (node) => enter(`$${node.variable.name.value}`, node.defaultValue), leave },
    Argument: { enter: (node) => enter(node.name.value, node.value), leave },
    ObjectField: { enter: (node) => enter(node.name.value, node.value), leave },
  };
}

const EMPTY_OBJECT = Object.freeze({});

/** The text parsed, served as `JSON`; the text itself when it is not JSON or nests too deep to serve, and null when there is none. */
export function parseJsonText(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return null;
  // What Twilio stores when nothing was given, for most records: one shared object rather than one parse each.
  if (text === '{}') return EMPTY_OBJECT;
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return text;
  }
  // The response is written with JSON.stringify, whose recursion a deep value would overflow.
  return nestsDeeperThan(value, MAX_JSON_DEPTH) ? text : value;
}
