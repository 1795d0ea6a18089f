/**
 * Checks on a request made before its body is read: the CSRF header, and
 * credentials, so that a request without usable ones costs no parsing at all.
 */
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { TOO_MANY_UNVERIFIED, type TwilioCredentials, type TwilioTransport } from '../twilio/client.ts';
import { requestCredentials } from '../credentials.ts';

/** Yoga's CSRF prevention, its refusal given a code and a message that says what to send. */
export function csrfPrevention(header: string): Plugin {
  const csrf = useCSRFPrevention({ requestHeaders: [header] });
  const refusal = (error: unknown) => {
    if (!(error instanceof GraphQLError) || error.extensions.http?.status !== 403) return error;
    return new GraphQLError(
      `Required CSRF header missing: a request a browser could send from any page (a GET, or a form post) must carry a ${header} header (any value); JSON posts need none`,
      {
        extensions: { code: 'CSRF_HEADER_REQUIRED', http: { status: 403 } },
      },
    );
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

/** Seconds a client refused for the line of unverified credentials is asked to wait: about one round of probes. */
const UNVERIFIED_RETRY_AFTER_S = 1;

/**
 * Refuses a GraphQL request without usable credentials before its body is
 * read, with the context's own check, and one whose credentials would wait
 * in a full line of unverified credentials (someone guessing secrets for the
 * account, most likely), so that such a storm costs no parsing or execution.
 * Other methods are left to Yoga's 405.
 */
export function credentialsBeforeParsing(fallback: TwilioCredentials | null, transport: TwilioTransport): Plugin {
  return {
    onRequestParse({ request }) {
      if (request.method !== 'GET' && request.method !== 'POST') return;
      const credentials = requestCredentials(request, fallback);
      if (transport.refusesUnverified(credentials)) {
        throw new GraphQLError(TOO_MANY_UNVERIFIED, {
          extensions: { code: 'RATE_LIMITED', http: { status: 429, headers: { 'retry-after': String(UNVERIFIED_RETRY_AFTER_S) } } },
        });
      }
    },
  };
}
