/**
 * A small HTTP server on 127.0.0.1 that records the webhooks it receives and
 * answers as told (a status, or never), for tests of outgoing deliveries.
 *
 * ```ts
 * await using receiver = await WebhookReceiver.start();
 * receiver.answer('/chat', 500, 200);          // the next two requests to /chat
 * const [hook] = await receiver.waitFor(1);    // fails after a short deadline
 * ```
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  /** The full URL as the receiver saw it, the one its signature check must use. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  /** The form parameters of a form post, or of the query string of a GET. */
  form: Record<string, string>;
  json: unknown;
}

/** `hang` holds the request open until the receiver closes. */
export type Answer = number | 'hang';

export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  /** Requests that arrived and were left hanging, closed when their client gave up. */
  abandoned = 0;
  private readonly answers = new Map<string, Answer[]>();
  private readonly defaults = new Map<string, Answer>();

  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver;
    const server = createServer((req, res) => receiver.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}`);
    return receiver;
  }

  url(path: string): string {
    return this.origin + path;
  }

  /** The answers to the next requests to `path`, in order; after them, 200. */
  answer(path: string, ...answers: Answer[]): void {
    this.answers.set(path, [...(this.answers.get(path) ?? []), ...answers]);
  }

  /** The answer to every request to `path` once the scripted ones are used. */
  answerAlways(path: string, answer: Answer): void {
    this.defaults.set(path, answer);
  }

  to(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  clear(): void {
    this.requests.length = 0;
    this.abandoned = 0;
    this.answers.clear();
    this.defaults.clear();
  }

  /** Resolves once `count` requests (to `path`, when given) have arrived; rejects after `timeoutMs`. */
  async waitFor(count: number, { path, timeoutMs = 3_000 }: { path?: string; timeoutMs?: number } = {}): Promise<ReceivedRequest[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = path ? this.to(path) : this.requests;
      if (got.length >= count) return [...got];
      if (Date.now() > deadline) throw new Error(`expected ${count} webhook request(s)${path ? ` to ${path}` : ''} within ${timeoutMs} ms, got ${got.length}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = this.origin + (req.url ?? '/');
      const parsed = new URL(url);
      const type = String(req.headers['content-type'] ?? '');
      const form = type.startsWith('application/x-www-form-urlencoded')
        ? Object.fromEntries(new URLSearchParams(body))
        : req.method === 'GET'
          ? Object.fromEntries(parsed.searchParams)
          : {};
      let json: unknown;
      if (type.startsWith('application/json')) json = JSON.parse(body);
      this.requests.push({ method: req.method ?? '', url, path: parsed.pathname, query: parsed.searchParams, headers: req.headers, body, form, json });
      const queue = this.answers.get(parsed.pathname);
      const answer = queue?.shift() ?? this.defaults.get(parsed.pathname) ?? 200;
      if (answer === 'hang') {
        res.once('close', () => this.abandoned++);
        return;
      }
      res.writeHead(answer, { 'Content-Type': 'text/plain' });
      res.end('ok');
    });
  }
}
