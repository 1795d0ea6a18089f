/**
 * Mutation payloads: the written object, or `userErrors` when Twilio refused
 * the write with a 4xx (a duplicate unique name, a missing parameter). Rate
 * limits, auth failures and upstream outages stay top-level GraphQL errors.
 */
import type { OutputRef } from '@pothos/core';
import { builder } from '../builder.ts';
import { TwilioApiError } from '../../twilio/errors.ts';
import type { GatewayContext } from '../context.ts';

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

/**
 * Runs one write. `inputFields` maps Twilio parameter names to input field names
 * (`UniqueName` -> `uniqueName`) so a refusal that names a parameter points at the field.
 * Whatever the request read before the write may now be stale, so it is all forgotten:
 * later fields of the same request read afresh.
 */
export async function runWrite<T>(ctx: GatewayContext, inputFields: Record<string, string>, write: () => Promise<T>): Promise<Payload<T>> {
  try {
    return { result: await write(), userErrors: [] };
  } catch (error) {
    if (!isUserError(error)) throw error;
    const named = Object.keys(inputFields).find((name) => new RegExp(`\\b${name.replace('.', '\\.')}\\b`).test(error.message));
    const byCode = error.code === undefined ? undefined : PARAM_OF_CODE[error.code];
    const param = named ?? (byCode && byCode in inputFields ? byCode : undefined);
    return {
      result: null,
      userErrors: [
        {
          field: param ? ['input', inputFields[param]!] : null,
          message: error.message,
          code: error.status === 404 ? 'NOT_FOUND' : error.status === 409 ? 'CONFLICT' : 'INVALID_INPUT',
          twilioCode: error.code ?? null,
        },
      ],
    };
  }
}

/** `CreateChatChannelPayload { chatChannel, userErrors }`. */
export function payloadType<T>(name: string, field: string, type: OutputRef<T>, description: string) {
  return builder.objectRef<Payload<T>>(name).implement({
    description,
    fields: (t) => ({
      // Pothos cannot resolve its result type for a generic T; the value is the T this ref expects, or null.
      [field]: t.field({ type, nullable: true, description: 'The object as Twilio returned it; null when the write was refused.', resolve: (p) => p.result as never }),
      userErrors: t.field({ type: [UserError], nullable: false, description: 'Why the write was refused; empty on success.', resolve: (p) => p.userErrors }),
    }),
  });
}

/** `DeleteChatChannelPayload { deletedId, userErrors }`. */
export function deletePayloadType(name: string, description: string) {
  return builder.objectRef<Payload<string>>(name).implement({
    description,
    fields: (t) => ({
      deletedId: t.id({ nullable: true, description: 'Global ID of the deleted object; null when the delete was refused.', resolve: (p) => p.result }),
      userErrors: t.field({ type: [UserError], nullable: false, description: 'Why the delete was refused; empty on success.', resolve: (p) => p.userErrors }),
    }),
  });
}
