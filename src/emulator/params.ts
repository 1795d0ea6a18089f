/**
 * Reads an operation's inputs the way Twilio takes them: a form-encoded body,
 * repeated keys for arrays, dotted names (`Notifications.NewMessage.Enabled`),
 * `true`/`false` booleans, and headers such as `X-Twilio-Webhook-Enabled`.
 * Every value is checked against its parameter's schema in the spec; a bad one
 * is a 400 that names the parameter.
 */
import type { OperationSpec, ParamSpec, SchemaNode } from './spec-model.ts';
import { invalidParameter } from './errors.ts';

/** Inputs by parameter name as the spec spells it, coerced to numbers, booleans, arrays, objects. */
export type Inputs = Record<string, unknown>;

export interface ParsedRequest {
  inputs: Inputs;
  /** Names of the parameters the caller actually sent (an update changes only these). */
  given: Set<string>;
}

const PAGING = new Set(['PageSize', 'Page', 'PageToken']);

/** Twilio's own date format on v1/v2 APIs: ISO 8601 in UTC, to the second. */
export function twilioDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An E.164 phone number as Twilio takes it: `+`, a country code, at most 15 digits in all. */
export const E164 = /^\+[1-9]\d{6,14}$/;

// Patterns compiled once per schema node, not per request.
const patterns = new WeakMap<SchemaNode, RegExp>();
function patternOf(schema: SchemaNode): RegExp {
  let pattern = patterns.get(schema);
  if (!pattern) patterns.set(schema, (pattern = new RegExp(schema.pattern!)));
  return pattern;
}

function describeExpected(schema: SchemaNode): string {
  if (schema.enum) return `one of ${schema.enum.join(', ')}`;
  switch (schema.type) {
    case 'integer':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    default:
      return 'a string';
  }
}

/** Coerces one raw value of a parameter, or throws a 400 naming it. */
function coerce(param: ParamSpec, schema: SchemaNode, raw: string, where: string): unknown {
  const bad = (why: string) => invalidParameter(`Invalid ${where} parameter ${param.name}: ${why}, got ${JSON.stringify(raw)}`);
  if (schema.enum && !schema.enum.includes(raw)) throw bad(`expected ${describeExpected(schema)}`);
  switch (schema.type) {
    case 'integer':
    case 'number': {
      const ok = schema.type === 'integer' ? /^-?\d+$/.test(raw) : raw.trim() !== '' && Number.isFinite(Number(raw));
      if (!ok) throw bad(`expected ${describeExpected(schema)}`);
      const n = Number(raw);
      if (schema.minimum !== undefined && n < schema.minimum) throw bad(`must be at least ${schema.minimum}`);
      if (schema.maximum !== undefined && n > schema.maximum) throw bad(`must be at most ${schema.maximum}`);
      return n;
    }
    case 'boolean': {
      const v = raw.toLowerCase();
      if (v !== 'true' && v !== 'false') throw bad('expected true or false');
      return v === 'true';
    }
    case 'string': {
      if (schema.pattern && !patternOf(schema).test(raw)) throw bad(`expected a value matching ${schema.pattern}`);
      if (schema.minLength !== undefined && raw.length < schema.minLength) throw bad(`must be at least ${schema.minLength} characters`);
      if (schema.maxLength !== undefined && raw.length > schema.maxLength) throw bad(`must be at most ${schema.maxLength} characters`);
      if (schema.format === 'date-time') {
        const t = Date.parse(raw);
        if (Number.isNaN(t)) throw bad('expected an ISO 8601 date-time');
        return twilioDate(new Date(t));
      }
      if (schema.format === 'uri') {
        try {
          new URL(raw);
        } catch {
          throw bad('expected an absolute URL');
        }
      }
      if (schema.format === 'phone-number' && !E164.test(raw)) throw bad('expected an E.164 phone number');
      return raw;
    }
    default: {
      // Untyped parameters (`Participants`, `Types`, `Items`, `SinkConfiguration`) carry JSON objects.
      try {
        return JSON.parse(raw);
      } catch {
        throw bad('expected a JSON value');
      }
    }
  }
}

function readParam(param: ParamSpec, values: string[], where: string): unknown {
  if (param.schema.type === 'array') {
    const items = param.schema.items ?? {};
    return values.map((v) => coerce(param, items, v, where));
  }
  return coerce(param, param.schema, values[values.length - 1]!, where);
}

/**
 * Validates and coerces every parameter of `op` from the query string, the form body and the headers.
 * Path parameters are checked by the engine, which knows which accept unique names.
 */
export function parseInputs(
  op: OperationSpec,
  query: URLSearchParams,
  body: URLSearchParams,
  headers: Record<string, string | string[] | undefined>,
): ParsedRequest {
  const inputs: Inputs = {};
  const given = new Set<string>();
  const sources: Array<[ParamSpec[], (name: string) => string[], string, string]> = [
    [op.queryParams, (n) => query.getAll(n), 'query', 'in the query string'],
    [op.bodyParams, (n) => body.getAll(n), 'body', 'in the post body'],
    [
      op.headerParams,
      (n) => {
        const h = headers[n.toLowerCase()];
        return h === undefined ? [] : Array.isArray(h) ? h : [h];
      },
      'header',
      'in the request headers',
    ],
  ];
  for (const [params, read, where, place] of sources) {
    for (const param of params) {
      if (PAGING.has(param.name)) continue;
      // An empty value means "not given", except where a string may be cleared on update.
      const values = read(param.name).filter((v) => v !== '' || (param.schema.type === 'string' && !param.required));
      if (values.length === 0) {
        if (param.required) throw invalidParameter(`Missing required parameter ${param.name} ${place}`);
        continue;
      }
      inputs[param.name] = readParam(param, values, where);
      given.add(param.name);
    }
  }
  return { inputs, given };
}

/** `PageSize` (1..1000, default 50), `Page` (>= 0) and `PageToken`, as every Twilio list takes them. */
export function parsePaging(query: URLSearchParams): { pageSize: number; page: number; token: string | undefined } {
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = query.get(name);
    if (raw === null || raw === '') return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      throw invalidParameter(`Invalid ${name}: must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    }
    return Number(raw);
  };
  return {
    pageSize: int('PageSize', 50, 1, 1000),
    page: int('Page', 0, 0, Number.MAX_SAFE_INTEGER),
    token: query.get('PageToken') || undefined,
  };
}
