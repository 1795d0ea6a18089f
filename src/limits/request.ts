/**
 * Checks on a request made before its body is read: credentials, so that a
 * request without usable ones costs no parsing at all.
 */
import type { Plugin } from 'graphql-yoga';
import type { TwilioCredentials } from '../twilio/client.ts';
import { requestCredentials } from '../context.ts';

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
