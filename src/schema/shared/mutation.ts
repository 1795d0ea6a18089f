/**
 * The kit every Twilio write goes through. A mutation declares its input
 * fields once, each with the Twilio parameter it is sent as and the SID
 * prefix it must match; the kit builds the input type, checks the values
 * before any REST call, derives the Twilio request, sends it, and answers
 * the same payload everywhere: the written object, or `userErrors` when
 * Twilio refused the write with a 4xx (a duplicate unique name, a missing
 * parameter). Rate limits, auth failures and upstream outages stay top-level
 * GraphQL errors.
 *
 * Not Pothos's `relayMutationField`: it gives every mutation's `input`
 * argument one description, where these say what each write takes.
 */
import type { InputFieldRef, InputShape, InputType, OutputRef, SchemaTypes } from '@pothos/core';
import { builder } from '../builder.ts';
import { TwilioApiError } from '../../twilio/errors.ts';
import type { RequestOf, ResponseOf, TwilioOperation, TwilioRequest } from '../../twilio/operation.ts';
import type { GatewayContext } from '../context.ts';
import { checkKey, checkSid } from './validate.ts';
import { encodeGlobalId, nodeKey } from './global-id.ts';
import { redact, secretsOf, withoutSecrets } from '../../twilio/secrets.ts';

export type UserErrorCode = 'NOT_FOUND' | 'CONFLICT' | 'INVALID_INPUT';

export interface UserErrorShape {
  field: string[] | null;
  message: string;
  code: UserErrorCode;
  twilioCode: number | null;
}

const UserErrorCodeEnum = builder.enumType('TwilioUserErrorCode', {
  description: 'Why Twilio refused a write.',
  values: {
    NOT_FOUND: { description: 'Something the input names does not exist (Twilio answered 404).' },
    CONFLICT: { description: 'The input clashes with something that exists, such as a unique name in use (Twilio answered 409).' },
    INVALID_INPUT: { description: 'An input value is missing or not acceptable (Twilio answered 400 or another 4xx).' },
  } as const,
});

// Named for Twilio so it cannot clash with another subgraph's UserError in a supergraph.
export const UserError = builder.objectRef<UserErrorShape>('TwilioUserError').implement({
  description: 'Why Twilio refused a write: a problem the caller can fix by changing the input.',
  fields: (t) => ({
    field: t.exposeStringList('field', { nullable: true, description: 'Path to the input field at fault (`["input", "uniqueName"]`), when known.' }),
    message: t.exposeString('message', { nullable: false, description: "Twilio's explanation." }),
    code: t.field({ type: UserErrorCodeEnum, nullable: false, description: 'Stable category of the refusal.', resolve: (e) => e.code }),
    twilioCode: t.exposeInt('twilioCode', { nullable: true, description: "Twilio's error code (see https://www.twilio.com/docs/errors)." }),
  }),
});

/**
 * Twilio error codes that mean one parameter was at fault even when the message
 * does not name it: duplicate unique names and identities, a number already listed.
 */
const PARAM_OF_CODE: Record<number, string> = {
  50103: 'FriendlyName',
  50201: 'Identity',
  50307: 'UniqueName',
  50404: 'Identity',
  50405: 'Identity',
  60411: 'PhoneNumber',
  80602: 'UniqueName',
  80603: 'UniqueName',
};

export interface Payload<T> {
  result: T | null;
  userErrors: UserErrorShape[];
}

/** Twilio 4xx answers that are the caller's to fix; 401, 403 and 429 are not. */
function isUserError(error: unknown): error is TwilioApiError {
  return error instanceof TwilioApiError && error.status >= 400 && error.status < 500 && ![401, 403, 429].includes(error.status);
}

/** Twilio parameter names to the input fields sent as them, longest names first so `Configuration.Url` wins over a shorter name. */
type Blame = ReadonlyArray<readonly [param: RegExp, name: string, field: string]>;

function blameOf(params: Record<string, string>): Blame {
  return Object.entries(params)
    .sort(([a], [b]) => b.length - a.length)
    .map(([param, field]) => [new RegExp(`\\b${param.replaceAll('.', '\\.')}\\b`), param, field] as const);
}

/**
 * Runs one write: a Twilio refusal becomes a payload with `userErrors`, its
 * field found from the parameter Twilio's message (or error code) names.
 * (The REST client forgets what the request read when it sends a write.)
 */
async function settle<T>(blame: Blame, write: () => Promise<T>): Promise<Payload<T>> {
  try {
    return { result: await write(), userErrors: [] };
  } catch (error) {
    if (!isUserError(error)) throw error;
    const byCode = error.code === undefined ? undefined : PARAM_OF_CODE[error.code];
    const hit = blame.find(([pattern]) => pattern.test(error.message)) ?? blame.find(([, name]) => name === byCode);
    return {
      result: null,
      userErrors: [
        {
          field: hit ? ['input', hit[2]] : null,
          message: error.message,
          code: error.status === 404 ? 'NOT_FOUND' : error.status === 409 ? 'CONFLICT' : 'INVALID_INPUT',
          twilioCode: error.code ?? null,
        },
      ],
    };
  }
}

// ---- input fields ----

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T extends SchemaTypes> ? T : never;

/** A GraphQL input type an input field may have: a scalar or enum or input object, or a list of one. */
export type ParamType = InputType<Types> | [InputType<Types>];

/** The value a resolver receives for a field of that type. */
export type ShapeOf<T extends ParamType> = T extends [infer U] ? InputShape<Types, U>[] : InputShape<Types, T>;

/** Where Twilio takes a parameter. */
export type ParamPlace = 'path' | 'query' | 'body' | 'header';

/** One input field of a write: its GraphQL type, and what Twilio makes of it. */
export interface Param<T extends ParamType = ParamType, Required extends boolean = boolean> {
  readonly type: T;
  readonly required: Required;
  readonly description: string;
  /** Where the value is sent, and under which Twilio name; absent for a field only the write's own code reads. */
  readonly twilio?: { readonly in: ParamPlace; readonly name: string };
  /** The value must be a SID with this prefix (`IS`). */
  readonly sid?: string;
  /** The value is a SID with this prefix or a name Twilio takes in its place (a unique name, an identity). */
  readonly sidOrName?: string;
  /** Write-only: sent to Twilio, cut out of any message that quotes it; a function names the secrets within the value (a key in a configuration). */
  readonly secret?: boolean | ((value: ShapeOf<T>) => ReadonlyArray<string | null | undefined>);
  /** The value to send, when not the input value as it is (see `sendAsTwilioDoes`); `field` is the input path, for errors. */
  send?(value: ShapeOf<T>, field: string): unknown;
  /** `send` answers several parameters at once: named under `twilio.name` (`Notifications.NewMessage.Enabled`, `.Template`, `.Sound`), or these (`SinkType`, `SinkConfiguration`). */
  readonly spreads?: boolean | readonly string[];
}

/** What a field's options may add to its type and description. */
export interface ParamOptions<T extends ParamType, Required extends boolean> {
  required?: Required;
  sid?: string;
  sidOrName?: string;
  secret?: boolean | ((value: ShapeOf<T>) => ReadonlyArray<string | null | undefined>);
  send?: (value: ShapeOf<T>, field: string) => unknown;
  spreads?: boolean | readonly string[];
}

type Names<Part> = Extract<keyof NonNullable<Part>, string>;

/** The arguments of a field sent as one of `Part`'s parameters (the query's, the body's or the headers'). */
type SentAs<Part, T extends ParamType, R extends boolean> = [name: Names<Part>, type: T, description: string, options?: ParamOptions<T, R>];

/**
 * Declares the input fields of one operation's write, each with the Twilio
 * name it is sent as, checked against the operation's request type. A field's
 * type and whether it is required are inferred from its arguments alone
 * (`NoInfer`): inferred from the `fields` object too, a list of input objects
 * (`[X]`) lost its item type, so `send` saw `unknown`, and a required field
 * was optional in the input `write` is given.
 */
export interface ParamKit<Req extends TwilioRequest> {
  /** A path parameter: always required; `sid` or `sidOrName` says what it must look like. */
  path(name: Names<Req['path']>, options: { description: string; sid?: string; sidOrName?: string }): Param<'String', true>;
  /** A query parameter, such as the phone number a SafeList delete names. */
  query<T extends ParamType, R extends boolean = false>(...args: SentAs<Req['query'], T, R>): Param<NoInfer<T>, NoInfer<R>>;
  /** A form body parameter. */
  body<T extends ParamType, R extends boolean = false>(...args: SentAs<Req['body'], T, R>): Param<NoInfer<T>, NoInfer<R>>;
  /** A request header, such as `X-Twilio-Webhook-Enabled`. */
  header<T extends ParamType, R extends boolean = false>(...args: SentAs<Req['headers'], T, R>): Param<NoInfer<T>, NoInfer<R>>;
  /** A field Twilio does not take as it is: the write's own code reads it. */
  input<T extends ParamType, R extends boolean = false>(type: T, description: string, options?: ParamOptions<T, R>): Param<NoInfer<T>, NoInfer<R>>;
}

/** A field sent as the Twilio parameter `name` in `place`; for fields shared by several operations (`webhookEnabled`). */
export function param<T extends ParamType, R extends boolean = false>(
  place: ParamPlace | null,
  name: string | null,
  type: T,
  description: string,
  options: ParamOptions<T, R> = {},
): Param<T, R> {
  const { required = false as R, ...rest } = options;
  return { type, required, description, ...(place && name ? { twilio: { in: place, name } } : {}), ...rest };
}

const paramKit: ParamKit<TwilioRequest> = {
  path: (name, { description, ...options }) => param('path', name, 'String', description, { ...options, required: true }),
  query: (name, type, description, options) => param('query', name, type, description, options),
  body: (name, type, description, options) => param('body', name, type, description, options),
  header: (name, type, description, options) => param('header', name, type, description, options),
  input: (type, description, options) => param(null, null, type, description, options),
};

// `any`: a field's type decides its value's, so fields of different types are not assignable to one Param<ParamType>.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Params = Record<string, Param<any, boolean>>;

/** The input a resolver receives for declared fields. */
export type InputOf<F extends Params> = {
  [K in keyof F]: F[K] extends Param<infer T, infer R> ? (R extends true ? ShapeOf<T> : ShapeOf<T> | null | undefined) : never;
};

/** Twilio's form conventions for a GraphQL value: JSON as JSON text, URLs as text, booleans in headers as `true`/`false`. */
function sendAsTwilioDoes(p: Param, value: unknown): unknown {
  if (p.type === 'JSON') return JSON.stringify(value);
  if (p.type === 'URL') return String(value);
  if (p.twilio?.in === 'header' && typeof value === 'boolean') return value ? 'true' : 'false';
  return value;
}

/** Checks the input's SIDs and builds the Twilio request from it; a bad value fails here, naming its field, before any REST call. */
function requestOf(params: Params, input: Record<string, unknown>): TwilioRequest {
  const parts: Record<ParamPlace, Record<string, unknown>> = { path: {}, query: {}, body: {}, header: {} };
  for (const [field, p] of Object.entries(params)) {
    const value = input[field];
    if (value === null || value === undefined) continue;
    const path = `input.${field}`;
    if (p.sid) checkSid(path, value as string, p.sid);
    if (p.sidOrName) checkKey(path, value as string, p.sidOrName);
    if (!p.twilio) {
      if (p.send) p.send(value as never, path);
      continue;
    }
    const sent = p.send ? p.send(value as never, path) : sendAsTwilioDoes(p, value);
    if (p.spreads) Object.assign(parts[p.twilio.in], sent);
    else parts[p.twilio.in][p.twilio.name] = sent;
  }
  const query = Object.keys(parts.query).length === 0 ? {} : { query: parts.query as TwilioRequest['query'] };
  return { path: parts.path as TwilioRequest['path'], ...query, body: parts.body as TwilioRequest['body'], headers: parts.header as TwilioRequest['headers'] };
}

// ---- mutations ----

/** What a write answers: an object of a type, the global ID of what it deleted, or a payload of its own. */
export type WriteResult<R> =
  /** `CreateChatChannelPayload { chatChannel, userErrors }`. */
  | { readonly field: string; readonly type: OutputRef<R>; readonly description?: string }
  /**
   * `DeleteChatChannelPayload { deletedId, userErrors }`: the global ID of a node of this type, whose key is the
   * path the delete sent, or `key` of the request sent where Twilio names the object elsewhere (in the query).
   */
  | { readonly deletes: string; readonly key?: (sent: TwilioRequest) => Array<string | number>; readonly description?: string }
  /** A payload type of another shape (`CreateBulkConsentsPayload { results, items, userErrors }`), given the write's result. */
  | { readonly payload: OutputRef<Payload<R>> };

/** What the write's own code is given: the request the kit derived, the checked input, and the request's context. */
export interface WriteCall<Op extends TwilioOperation, F extends Params> {
  readonly request: RequestOf<Op>;
  readonly input: InputOf<F>;
  readonly ctx: GatewayContext;
  /** Sends the derived request (or the one given) as the operation. */
  send(request?: RequestOf<Op>): Promise<ResponseOf<Op>>;
}

export interface TwilioMutation<Op extends TwilioOperation, F extends Params, R> {
  /** The Twilio operation the mutation performs. */
  readonly operation: Op;
  readonly description: string;
  /**
   * The input type's description and fields; `argument` describes the `input`
   * argument (by default from the verb: "What to create."). Without it the
   * mutation takes no arguments (`createSecondaryAuthToken`).
   */
  readonly input?: { readonly description: string; readonly argument?: string; readonly fields: (p: ParamKit<RequestOf<Op>>) => F };
  readonly result: WriteResult<R>;
  /**
   * The write, when it is more than sending the derived request: a unique
   * name looked up first so the deleted ID carries the SID, or an answer
   * reshaped. By default the request is sent and its answer is the result;
   * a delete answers the ID of the object whose path it sent last.
   */
  readonly write?: (call: WriteCall<Op, F>) => Promise<R | void>;
}

/** What a mutation field records of its declaration (`extensions.twilioWrite`): the operation it performs and its input fields. */
export interface DeclaredWrite {
  /** `product.operationId`, as the operation tables and the specs key it. */
  readonly operation: string;
  readonly params: Readonly<Record<string, Param>>;
}

const ARGUMENT_OF_VERB: Record<string, string> = { create: 'What to create.', update: 'What to change, and how.', delete: 'What to delete.' };

/** The global ID of the object a delete's path names: its path values, parents first, are its node key. */
function deletedId(typename: string, operation: TwilioOperation, request: TwilioRequest): string {
  return encodeGlobalId(typename, nodeKey(...operation.pathParams.map((name) => request.path![name]!)));
}

/** Declares one mutation: `createChatChannel(input: CreateChatChannelInput!): CreateChatChannelPayload`. */
export function twilioMutation<Op extends TwilioOperation, F extends Params, R = never>(name: string, spec: TwilioMutation<Op, F, R>): void {
  const capitalized = name[0]!.toUpperCase() + name.slice(1);
  const inputSpec = spec.input;
  const params = inputSpec ? inputSpec.fields(paramKit as ParamKit<RequestOf<Op>>) : ({} as F);
  const sentAs = (p: Param) => (Array.isArray(p.spreads) ? p.spreads : [p.twilio!.name]);
  // Body and query parameters first, then headers, then the path's: a refusal naming several means the first of these.
  const sent = Object.entries(params).filter(([, p]) => p.twilio);
  const named = (places: ParamPlace[]) =>
    blameOf(Object.fromEntries(sent.filter(([, p]) => places.includes(p.twilio!.in)).flatMap(([field, p]) => sentAs(p).map((n) => [n, field]))));
  const blame = [...named(['body', 'query']), ...named(['header']), ...named(['path'])];
  const secrets = Object.entries(params).filter(([, p]) => p.secret);
  /** The secrets an input holds: a secret field's value, or what its `secret` finds in the value. */
  const secretsIn = (input: Record<string, unknown>) =>
    secrets.flatMap(([field, p]) => (input[field] == null || !p.secret ? [] : p.secret === true ? [input[field] as string] : p.secret(input[field])));
  const result = spec.result;

  const inputType =
    inputSpec &&
    builder.inputType(`${capitalized}Input`, {
      description: inputSpec.description,
      fields: (t) =>
        Object.fromEntries(
          Object.entries(params).map(([field, p]) => [field, t.field({ type: p.type as InputType<Types>, required: p.required, description: p.description })]),
        ) as Record<string, InputFieldRef<Types, unknown>>,
    });

  const write = async (ctx: GatewayContext, input: Record<string, unknown>): Promise<unknown> => {
    const request = requestOf(params, input) as RequestOf<Op>;
    let sent = request;
    const send = (what: RequestOf<Op> = request) => ctx.twilio.call(spec.operation, (sent = what)) as Promise<ResponseOf<Op>>;
    const answer = spec.write ? await spec.write({ request, input: input as InputOf<F>, ctx, send }) : await send();
    if (!('deletes' in result)) return answer;
    return result.key ? encodeGlobalId(result.deletes, nodeKey(...result.key(sent))) : deletedId(result.deletes, spec.operation, sent);
  };

  const payload =
    'payload' in result
      ? result.payload
      : builder.objectRef<Payload<R>>(`${capitalized}Payload`).implement({
          description: result.description ?? `The result of ${name}.`,
          fields: (t) => ({
            ...('deletes' in result
              ? {
                  deletedId: t.id({
                    nullable: true,
                    description: 'Global ID of the deleted object; null when the delete was refused.',
                    resolve: (p) => p.result as string | null,
                  }),
                }
              : {
                  // Pothos cannot resolve its result type for a generic R; the value is the R this ref expects, or null.
                  [result.field]: t.field({
                    type: result.type,
                    nullable: true,
                    description: 'The object as Twilio returned it; null when the write was refused.',
                    resolve: (p) => p.result as never,
                  }),
                }),
            userErrors: t.field({
              type: [UserError],
              nullable: false,
              description: 'deletes' in result ? 'Why the delete was refused; empty on success.' : 'Why the write was refused; empty on success.',
              resolve: (p) => p.userErrors,
            }),
          }),
        });

  builder.mutationField(name, (t) =>
    t.field({
      type: payload,
      description: spec.description,
      args: inputType
        ? { input: t.arg({ type: inputType, required: true, description: inputSpec.argument ?? ARGUMENT_OF_VERB[/^[a-z]+/.exec(name)![0]] }) }
        : {},
      extensions: { twilioWrite: { operation: spec.operation.key, params } satisfies DeclaredWrite },
      resolve: (_root, args, ctx) => {
        const input = (args as { input?: Record<string, unknown> }).input ?? {};
        const run = () => settle(blame, () => write(ctx, input) as Promise<R>);
        return secrets.length === 0 ? run() : hidingSecrets(secretsIn(input), run);
      },
    }),
  );
}

/**
 * Runs a write that sends secrets. Should Twilio repeat one in a refusal or
 * an error, it is cut out of the message before the message reaches a
 * payload's `userErrors`, an error response or a log line.
 */
async function hidingSecrets<T>(secrets: ReadonlyArray<string | null | undefined>, write: () => Promise<Payload<T>>): Promise<Payload<T>> {
  const forms = secretsOf(secrets);
  try {
    const payload = await write();
    return { ...payload, userErrors: payload.userErrors.map((e) => ({ ...e, message: redact(e.message, forms) })) };
  } catch (error) {
    throw withoutSecrets(error, forms);
  }
}
