/**
 * Tiny real HTTP servers on 127.0.0.1 port 0 standing in for Twilio, and a
 * transport tuned for tests (short keep-alive, millisecond backoff).
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TwilioTransport, type TwilioTransportOptions } from '../../../src/twilio/client.ts';

/** A request as the test server saw it. */
export interface SeenRequest {
  method: string;
  /** Raw request target: path and query exactly as sent. */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: SeenRequest, res: ServerResponse, raw: IncomingMessage) => void | Promise<void>;

export interface TestServer extends AsyncDisposable {
  url: string;
  port: number;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/** Starts a server; every request is recorded before `handler` answers it. */
export async function startServer(handler: Handler, port = 0): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const server = createServer(async (raw, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of raw) chunks.push(chunk as Buffer);
    const seen: SeenRequest = {
      method: raw.method ?? '',
      url: raw.url ?? '',
      headers: raw.headers,
      body: Buffer.concat(chunks).toString(),
    };
    requests.push(seen);
    try {
      await handler(seen, res, raw);
    } catch (error) {
      if (!res.headersSent) json(res, 500, { message: String(error) });
    }
  });
  server.keepAliveTimeout = 10;
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const { port: actual } = server.address() as AddressInfo;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    const done = once(server, 'close');
    server.close();
    server.closeAllConnections();
    await done;
  };
  return { url: `http://127.0.0.1:${actual}`, port: actual, requests, close, [Symbol.asyncDispose]: close };
}

/** Answers JSON. */
export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Answers Twilio's error JSON. */
export function twilioError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  json(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }, headers);
}

/** A port nothing listens on (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

export const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
export const AUTH_TOKEN = 'token-that-must-stay-secret';
export const API_KEY = 'SK0123456789abcdef0123456789abcdef';
export const API_SECRET = 'api-secret-that-must-stay-secret';

/** A transport aimed at `baseUrl`, isolated from the real environment, quick to retry and to close. */
export function testTransport(baseUrl: string, options: TwilioTransportOptions = {}): TwilioTransport {
  return new TwilioTransport({
    baseUrl,
    env: {},
    keepAliveTimeoutMs: 10,
    timeoutMs: 2_000,
    ...options,
    retry: { baseDelayMs: 1, maxDelayMs: 2_000, ...options.retry },
  });
}
