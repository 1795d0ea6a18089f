/**
 * Checks on a request made before its body is read: the CSRF header, and
 * credentials, so that a request without usable ones costs no parsing at all.
 */
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import type { TwilioCredentials } from '../twilio/client.ts';
import { requestCredentials } from '../context.ts';

/** Yoga's CSRF prevention, its refusal given a code and a message that says what to send. */
export function csrfPrevention(header: string): Plugin {
  const csrf = useCSRFPrevention({ requestHeaders: [header] });
  const refusal = (error: unknown) => {
    if (!(error instanceof GraphQLError) || error.extensions.http?.status !== 403) return error;
    return new GraphQLError(`Required CSRF header missing: a request a browser could send from any page (a GET, or a form post) must carry a ${header} header (any value); JSON posts need none`, {
      extensions: { code: 'CSRF_HEADER_REQUIRED', http: { status: 403 } },
    });
  };
  return {
    onRequestParse(payload) {
      try {
        const result = csrf.onRequestParse?.(payload);
        return result instanceof Promise ? result.catch((error) => Promise.reject(refusal(error))) : result;
      } catch (error) {
        throw refusal(error);
      }
    },
  };
}

/**
 * Refuses a GraphQL request without usable credentials before its body is
 * read, with the context's own check. Other methods are left to Yoga's 405.
 */
export function credentialsBeforeParsing(fallback: TwilioCredentials | null): Plugin {
  return {
    onRequestParse({ request }) {
      if (request.method === 'GET' || request.method === 'POST') requestCredentials(request, fallback);
    },
  };
}
