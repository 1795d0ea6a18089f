/**
 * Live events in end-to-end tests: Twilio's webhooks signed as Twilio signs
 * them (with the official library's helpers), and subscribers over SSE and
 * graphql-ws reading what the gateway streams.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import twilio from 'twilio';
import type { GatewayEnv } from './harness.ts';

const { getExpectedTwilioSignature, getExpectedBodyHash } = twilio;

export interface WebhookAnswer {
  status: number;
  body: string;
}

/** POSTs a Chat webhook to the gateway, form-encoded and signed with `authToken` as Twilio signs it (`signedUrl`: the URL it signs, by default the one it posts to). */
export async function postChatWebhook(
  gatewayUrl: string,
  params: Record<string, string>,
  authToken: string,
  options: { signedUrl?: string; signature?: string; path?: string } = {},
): Promise<WebhookAnswer> {
  const url = `${gatewayUrl}${options.path ?? '/webhooks/twilio/chat'}`;
  const signature = options.signature ?? getExpectedTwilioSignature(authToken, options.signedUrl ?? url, params);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature, 'i-twilio-idempotency-token': 'test' },
    body: new URLSearchParams(params).toString(),
  });
  return { status: res.status, body: await res.text() };
}

/** POSTs an Event Streams delivery: a JSON body, signed through `bodySHA256` in the URL's query, as Twilio signs it. */
export async function postEventStreamsWebhook(
  gatewayUrl: string,
  events: unknown,
  authToken: string,
  options: { query?: string; signature?: string; body?: string } = {},
): Promise<WebhookAnswer> {
  const body = options.body ?? JSON.stringify(events);
  const query = `${options.query ? `${options.query}&` : ''}bodySHA256=${getExpectedBodyHash(body)}`;
  const url = `${gatewayUrl}/webhooks/twilio/events?${query}`;
  const signature = options.signature ?? getExpectedTwilioSignature(authToken, url, {});
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-twilio-signature': signature }, body });
  return { status: res.status, body: await res.text() };
}

export interface Received {
  data?: any;
  errors?: Array<{ message: string; extensions?: Record<string, any> }>;
}

/** A subscriber: the results it received, in order. */
export interface Subscriber {
  /** The next result, waiting at most `timeoutMs`. */
  next(timeoutMs?: number): Promise<Received>;
  /** Resolves true when nothing arrives for `ms`. */
  quietFor(ms: number): Promise<boolean>;
  /** True once the server ended the subscription. */
  readonly completed: boolean;
  close(): Promise<void>;
  /** HTTP status of the SSE response (SSE only). */
  readonly status?: number;
}

/** A queue of results that `next()` takes from, waiting for the next when empty. */
class Inbox {
  readonly items: Received[] = [];
  readonly waiting: Array<(item: Received | null) => void> = [];
  completed = false;

  push(item: Received): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  complete(): void {
    this.completed = true;
    for (const waiter of this.waiting.splice(0)) waiter(null);
  }

  next(timeoutMs: number): Promise<Received> {
    const ready = this.items.shift();
    if (ready) return Promise.resolve(ready);
    if (this.completed) return Promise.reject(new Error('The subscription is complete: no more results'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(take);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new Error(`No result within ${timeoutMs} ms`));
      }, timeoutMs);
      const take = (item: Received | null) => {
        clearTimeout(timer);
        if (item) resolve(item);
        else reject(new Error('The subscription completed without another result'));
      };
      this.waiting.push(take);
    });
  }

  async quietFor(ms: number): Promise<boolean> {
    if (this.items.length) return false;
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.items.length === 0;
  }
}

/** Subscribes over SSE (a POST with `Accept: text/event-stream`), reading the stream with fetch. Resolves once the response has started. */
export async function sseSubscribe(
  gatewayUrl: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Subscriber> {
  const controller = new AbortController();
  const res = await fetch(`${gatewayUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: controller.signal,
  });
  const inbox = new Inbox();
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('text/event-stream')) {
    inbox.push((await res.json()) as Received);
    inbox.complete();
  } else {
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const message = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(message)?.[1];
            const data = message
              .split('\n')
              .filter((line) => line.startsWith('data:'))
              .map((line) => line.slice(5).trimStart())
              .join('\n');
            if (event === 'next') inbox.push(JSON.parse(data) as Received);
            if (event === 'complete') inbox.complete();
          }
        }
      } catch {
        // Aborted by close().
      }
      inbox.complete();
    })();
  }
  return {
    status: res.status,
    next: (timeoutMs = 5_000) => inbox.next(timeoutMs),
    quietFor: (ms) => inbox.quietFor(ms),
    get completed() {
      return inbox.completed;
    },
    async close() {
      controller.abort();
    },
  };
}

/** A graphql-ws client on the gateway's WebSocket endpoint. */
export function wsClient(
  gatewayUrl: string,
  connectionParams?: Record<string, unknown>,
  options: { onClose?: (code: number, reason: string) => void } = {},
): Client {
  return createClient({
    url: `${gatewayUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
    on: { closed: (event) => options.onClose?.((event as { code: number }).code, (event as { reason: string }).reason) },
  });
}

/** Subscribes over graphql-ws with `client`. */
export function wsSubscribe(client: Client, query: string, variables: Record<string, unknown> = {}): Subscriber {
  const inbox = new Inbox();
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (value) => inbox.push(value as Received),
      error: (error) => {
        const errors = Array.isArray(error)
          ? error
          : [{ message: error instanceof Error ? error.message : String((error as { reason?: string }).reason ?? error) }];
        inbox.push({ errors });
        inbox.complete();
      },
      complete: () => inbox.complete(),
    },
  );
  return {
    next: (timeoutMs = 5_000) => inbox.next(timeoutMs),
    quietFor: (ms) => inbox.quietFor(ms),
    get completed() {
      return inbox.completed;
    },
    async close() {
      dispose();
    },
  };
}

/** Waits until `check` holds, polling. */
export async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until `env`'s gateway has `count` subscriptions listening. */
export function listening(env: GatewayEnv, count: number): Promise<void> {
  return until(() => env.gateway.subscriptions.streaming === count, `${count} subscription(s) listening (now ${env.gateway.subscriptions.streaming})`);
}

/** Waits until every subscription of `env`'s gateway has been released (its clients gone). */
export function released(env: GatewayEnv, timeoutMs = 5_000): Promise<void> {
  return until(() => env.gateway.subscriptions.size === 0, `every subscription released (${env.gateway.subscriptions.size} open)`, timeoutMs);
}

/** Basic credentials header. */
export function basic(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
}

/** A second account on the emulator, for tenancy tests. */
export const OTHER_ACCOUNT = { accountSid: 'AC00000000000000000000000000000002', authToken: 'other-auth-token' } as const;

export interface ChatFixture {
  serviceSid: string;
  channelSid: string;
  /** A member of the channel, with its user's friendly name. */
  identity: string;
  friendlyName: string;
}

/** A service, one of its channels and a member, read through the gateway (with `headers`' credentials, else the gateway's own). */
export async function chatFixture(env: GatewayEnv, headers: Record<string, string> = {}, channelIndex = 0): Promise<ChatFixture> {
  const res = await env.query(
    `query($n: Int!) { chatServices(first: 1) { nodes { sid channels(first: $n) { nodes { sid members(first: 1) { nodes { identity user { friendlyName } } } } } } } }`,
    { n: channelIndex + 1 },
    headers,
  );
  const service = res.data.chatServices.nodes[0];
  const channel = service.channels.nodes[channelIndex];
  const member = channel.members.nodes[0];
  return { serviceSid: service.sid, channelSid: channel.sid, identity: member.identity, friendlyName: member.user.friendlyName };
}

/** Sends a message through the gateway and returns the onMessageSent webhook Twilio would send for it. */
export async function sentMessage(
  env: GatewayEnv,
  fixture: ChatFixture,
  body: string,
  accountSid: string,
  headers: Record<string, string> = {},
): Promise<Record<string, string>> {
  const res = await env.query(
    `mutation($input: CreateChatMessageInput!) { createChatMessage(input: $input) { chatMessage { sid index body dateCreated } userErrors { message } } }`,
    { input: { serviceSid: fixture.serviceSid, channelSidOrUniqueName: fixture.channelSid, body, from: fixture.identity, attributes: { topic: 'live' } } },
    headers,
  );
  const message = res.data.createChatMessage.chatMessage;
  return {
    EventType: 'onMessageSent',
    AccountSid: accountSid,
    InstanceSid: fixture.serviceSid,
    ChannelSid: fixture.channelSid,
    MessageSid: message.sid,
    Index: String(message.index),
    Body: message.body,
    Attributes: JSON.stringify({ topic: 'live' }),
    From: fixture.identity,
    DateCreated: message.dateCreated,
    Source: 'API',
    RetryCount: '0',
    WebhookType: 'webhook',
  };
}
