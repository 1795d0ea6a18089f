/**
 * Whose Twilio credentials a GraphQL request uses, read from its headers: an
 * account SID and auth token, or an API key SID and secret with
 * `X-Twilio-Account-Sid`; without them, the gateway's own. A request whose
 * credentials cannot be read is refused with HTTP 401 and `UNAUTHENTICATED`.
 */
import { GraphQLError } from 'graphql';
import type { TwilioCredentials } from './twilio/client.ts';

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const API_KEY_SID = /^SK[0-9a-fA-F]{32}$/;

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/**
 * Credentials a request carries in `Authorization: Basic …`: an account SID and
 * auth token, or an API key SID and secret with `X-Twilio-Account-Sid` naming
 * the account the key belongs to. Without the header, the gateway's own
 * credentials are used.
 */
export function requestCredentials(request: Request, fallback: TwilioCredentials | null): TwilioCredentials {
  // Read once per request (the limits, the response cache and the context all ask): one object, so what the REST
  // client derives from it (the Basic header, its verdict key) is derived once too.
  const known = parsed.get(request);
  if (known?.fallback === fallback) return known.credentials;
  const credentials = parse(request, fallback);
  parsed.set(request, { fallback, credentials });
  return credentials;
}

const parsed = new WeakMap<Request, { fallback: TwilioCredentials | null; credentials: TwilioCredentials }>();

function parse(request: Request, fallback: TwilioCredentials | null): TwilioCredentials {
  const header = request.headers.get('authorization');
  if (!header) {
    if (fallback) return fallback;
    throw unauthenticated(
      'No Twilio credentials: send Authorization: Basic with an account SID and auth token, or configure the gateway with TWILIO_ACCOUNT_SID',
    );
  }
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim());
  const decoded = match ? Buffer.from(match[1]!, 'base64').toString() : '';
  const colon = decoded.indexOf(':');
  if (colon < 1) throw unauthenticated('Authorization must be Basic base64(<account SID or API key SID>:<auth token or secret>)');
  const user = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  if (!secret) throw unauthenticated('Authorization: the auth token or secret is empty');
  if (ACCOUNT_SID.test(user)) return { accountSid: user, authToken: secret };
  if (API_KEY_SID.test(user)) {
    const account = request.headers.get('x-twilio-account-sid');
    if (!account) throw unauthenticated('X-Twilio-Account-Sid is required with an API key: the SID of the account the key belongs to');
    if (!ACCOUNT_SID.test(account)) throw unauthenticated('X-Twilio-Account-Sid must be AC followed by 32 hexadecimal digits');
    return { accountSid: account, apiKey: user, apiSecret: secret };
  }
  throw unauthenticated('Authorization: the user name must be an account SID (AC…) or an API key SID (SK…)');
}
