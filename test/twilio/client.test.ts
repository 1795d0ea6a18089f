import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as chat from '../../src/twilio/chat.ts';
import { TwilioTransport } from '../../src/twilio/client.ts';
import { TwilioApiError, TwilioTransportError } from '../../src/twilio/errors.ts';
import { ACCOUNT_SID, API_KEY, API_SECRET, AUTH_TOKEN, json, startServer, testTransport, twilioError, type TestServer } from './support/http.ts';

const SERVICE = 'IS0123456789abcdef0123456789abcdef';

describe('TwilioClient against a test server', () => {
  let server: TestServer;
  let transport: TwilioTransport;

  beforeAll(async () => {
    server = await startServer((req, res) => {
      if (req.url.startsWith('/empty')) return void res.writeHead(204).end();
      if (req.url.startsWith('/v2/Services/missing')) return twilioError(res, 404, 20404, 'The requested resource /Services/missing was not found');
      if (req.url.startsWith('/v2/Services/html')) {
        res.writeHead(502, { 'content-type': 'text/html' });
        return void res.end('<html>Bad gateway</html>');
      }
      if (req.url.startsWith('/v2/Services/notjson')) {
        res.writeHead(200, { 'content-type': 'text/html' });
        return void res.end('<html>hello</html>');
      }
      if (req.method === 'DELETE') return void res.writeHead(204).end();
      if (req.method === 'GET' && /\/Channels(\?|$)/.test(req.url)) return json(res, 200, { channels: [], meta: { key: 'channels', next_page_url: null } });
      json(res, req.method === 'POST' ? 201 : 200, { sid: 'CH1', service_sid: SERVICE, echo: req.url });
    });
    transport = testTransport(server.url);
  });

  afterAll(async () => {
    await transport?.close();
    await server?.close();
  });

  it('sends Basic auth as account SID and Auth Token', async () => {
    const client = transport.client({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    await chat.fetchService(client, { path: { Sid: SERVICE } });
    const sent = server.requests.at(-1)!;
    expect(sent.headers.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`);
    expect(sent.headers.accept).toBe('application/json');
  });

  it('sends Basic auth as API key and secret', async () => {
    const client = transport.client({ accountSid: ACCOUNT_SID, apiKey: API_KEY, apiSecret: API_SECRET });
    await chat.fetchService(client, { path: { Sid: SERVICE } });
    expect(server.requests.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64')}`);
    expect(client.accountSid).toBe(ACCOUNT_SID);
  });

  it('form-encodes a POST body, sends headers, and encodes the path', async () => {
    const client = transport.client({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    const created = await chat.createChannel(client, {
      path: { ServiceSid: SERVICE },
      body: { FriendlyName: 'General', UniqueName: 'team/general chat', DateCreated: new Date(Date.UTC(2024, 0, 1)) },
      headers: { 'X-Twilio-Webhook-Enabled': 'true' },
    });
    expect(created).toMatchObject({ sid: 'CH1' });
    const sent = server.requests.at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe(`/v2/Services/${SERVICE}/Channels`);
    expect(sent.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(sent.headers['x-twilio-webhook-enabled']).toBe('true');
    expect(sent.body).toBe('FriendlyName=General&UniqueName=team%2Fgeneral+chat&DateCreated=2024-01-01T00%3A00%3A00.000Z');
  });

  it('sends a unique name with "/" and spaces as one path segment', async () => {
    const client = transport.client({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    await chat.fetchChannel(client, { path: { ServiceSid: SERVICE, Sid: 'team/general chat' } });
    expect(server.requests.at(-1)!.url).toBe(`/v2/Services/${SERVICE}/Channels/team%2Fgeneral%20chat`);
  });

  it('repeats array query parameters', async () => {
    const client = transport.client({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    await client.call(chat.chatOperations.ListChannel, {
      path: { ServiceSid: SERVICE },
      query: { Type: ['public', 'private'], PageSize: 5 },
    });
    expect(server.requests.at(-1)!.url).toBe(`/v2/Services/${SERVICE}/Channels?Type=public&Type=private&PageSize=5`);
  });

  it('does not let caller headers replace auth', async () => {
    const client = transport.client({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    await client.send({ product: 'chat', method: 'GET', path: '/v2/Services', headers: { Authorization: 'Basic Zm9vOmJhcg==' } });
    expect(server.requests.at(-1)!.headers.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`);
  });

  it('answers undefined for 204', async () => {
    const client = transport.client({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    await expect(chat.deleteChannel(client, { path: { ServiceSid: SERVICE, Sid: 'CH1' } })).resolves.toBeUndefined();
  });

  it("turns Twilio's error JSON into TwilioApiError", async () => {
    const client = transport.client({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    const error = await chat.fetchService(client, { path: { Sid: 'missing' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwilioApiError);
    expect(error).toMatchObject({
      name: 'TwilioApiError',
      message: 'The requested resource /Services/missing was not found',
      status: 404,
      code: 20404,
      moreInfo: 'https://www.twilio.com/docs/errors/20404',
      method: 'GET',
      path: '/v2/Services/missing',
      operation: 'chat.FetchService',
      attempts: 1,
    });
  });

  it('explains an error answer that is not JSON', async () => {
    const client = transport.client({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    const error = (await chat.fetchService(client, { path: { Sid: 'html' } }).catch((e: unknown) => e)) as TwilioApiError;
    expect(error).toBeInstanceOf(TwilioApiError);
    expect(error.status).toBe(502);
    expect(error.code).toBeUndefined();
    expect(error.message).toBe('Twilio answered HTTP 502 to GET /v2/Services/html without an error body (expected JSON with code and message)');
  });

  it('reports a 2xx that is not JSON as an invalid response', async () => {
    const client = transport.client({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    const error = await chat.fetchService(client, { path: { Sid: 'notjson' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwilioTransportError);
    expect(error).toMatchObject({ kind: 'invalid_response', attempts: 1 });
  });

  it('never shows a secret in the client, its errors or their causes', async () => {
    for (const credentials of [
      { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN },
      { accountSid: ACCOUNT_SID, apiKey: API_KEY, apiSecret: API_SECRET },
    ]) {
      const client = transport.client(credentials);
      const apiError = await chat.fetchService(client, { path: { Sid: 'missing' } }).catch((e: unknown) => e);
      const transportError = await client.send({ product: 'chat', method: 'GET', path: '/v2/Services/notjson' }).catch((e: unknown) => e);
      const basic = Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64');
      const basicToken = Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64');
      for (const shown of [
        inspect(client, { depth: 10, showHidden: true }),
        JSON.stringify(client),
        inspect(apiError, { depth: 10, showHidden: true }),
        JSON.stringify(apiError),
        inspect(transportError, { depth: 10, showHidden: true }),
        inspect(transport, { depth: 10 }),
      ]) {
        for (const secret of [AUTH_TOKEN, API_SECRET, basic, basicToken]) expect(shown).not.toContain(secret);
      }
    }
  });

  it('validates credentials without echoing them', () => {
    expect(() => transport.client({ accountSid: API_KEY, authToken: AUTH_TOKEN })).toThrow(
      'Twilio credentials need an accountSid starting with AC (an SK… SID is an API key: pass it as apiKey)',
    );
    expect(() => transport.client({ accountSid: ACCOUNT_SID, authToken: '' })).toThrow('Twilio credentials need either authToken, or apiKey and apiSecret');
    expect(() => transport.client({ accountSid: ACCOUNT_SID, apiKey: 'nope', apiSecret: API_SECRET })).toThrow(
      /apiKey must be an API key SID starting with SK$/,
    );
  });
});

describe('TwilioTransport', () => {
  it('closes its pool and can be disposed twice', async () => {
    await using server = await startServer((_req, res) => json(res, 200, { ok: true }));
    const transport = testTransport(server.url);
    const client = transport.client({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
    await client.send({ product: 'chat', method: 'GET', path: '/v2/Services' });
    await transport.close();
    await transport[Symbol.asyncDispose]();
    await expect(client.send({ product: 'chat', method: 'GET', path: '/v2/Services' })).rejects.toThrow(
      'TwilioTransport is closed; cannot send GET /v2/Services',
    );
  });

  it('checks its options', () => {
    expect(() => new TwilioTransport({ env: {}, timeoutMs: 0 })).toThrow('timeoutMs must be a positive number, but got 0');
    expect(() => new TwilioTransport({ env: {}, maxInFlightPerAccount: 0 })).toThrow('The in-flight limit must be a positive integer, but got 0');
    expect(() => new TwilioTransport({ env: {}, retry: { maxRetries: -1 } })).toThrow('retry.maxRetries must be a whole number of zero or more, but got -1');
  });
});
