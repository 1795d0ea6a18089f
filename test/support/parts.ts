/**
 * A client of answers in parts (`@defer`, `@stream`) over HTTP, as a frontend
 * reads them: `multipart/mixed` (GraphQL incremental delivery over HTTP) or
 * `text/event-stream` (GraphQL over SSE, distinct connections mode). Each part
 * is timed from when the request was sent, and the part carrying
 * `extensions.cost` is checked against the cost model as every answer is.
 */
import { checkCostPrediction } from './harness.ts';

export interface Part {
  /** Milliseconds from sending the request to reading this part. */
  at: number;
  body: {
    data?: any;
    errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
    incremental?: Array<{
      data?: any;
      items?: any[];
      path: Array<string | number>;
      label?: string;
      errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
    }>;
    hasNext?: boolean;
    extensions?: Record<string, any>;
  };
}

export type PartsMediaType = 'multipart/mixed' | 'text/event-stream';

export interface PartsResponse {
  status: number;
  contentType: string;
  /** The parts as they arrive; ends with the answer. */
  parts: AsyncGenerator<Part>;
}

/** Sends a GraphQL request accepting `accept`, and reads its answer part by part. */
export async function requestParts(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: { accept?: PartsMediaType; signal?: AbortSignal; headers?: Record<string, string> } = {},
): Promise<PartsResponse> {
  const sent = performance.now();
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: options.accept ?? 'multipart/mixed', ...options.headers },
    body: JSON.stringify({ query, variables }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const contentType = res.headers.get('content-type') ?? '';
  const texts = contentType.startsWith('multipart/mixed')
    ? multipartBodies(res, contentType)
    : contentType.startsWith('text/event-stream')
      ? sseBodies(res)
      : wholeBody(res);
  async function* parts(): AsyncGenerator<Part> {
    for await (const text of texts) {
      const body = JSON.parse(text) as Part['body'];
      checkCostPrediction(body);
      yield { at: performance.now() - sent, body };
    }
  }
  return { status: res.status, contentType, parts: parts() };
}

/** Every part of an answer, read to its end. */
export async function readAll(response: PartsResponse): Promise<Part[]> {
  const all: Part[] = [];
  for await (const part of response.parts) all.push(part);
  return all;
}

/** The answer the parts add up to: deferred data merged in at its path, streamed items appended to their list. */
export function merged(parts: Part[]): { data: any; errors: NonNullable<Part['body']['errors']> } {
  const data = structuredClone(parts[0]?.body.data ?? null);
  const errors = [...(parts[0]?.body.errors ?? [])];
  for (const part of parts.slice(1)) {
    errors.push(...(part.body.errors ?? []));
    for (const entry of part.body.incremental ?? []) {
      errors.push(...(entry.errors ?? []));
      let target = data;
      for (const key of entry.path.slice(0, entry.items ? -1 : undefined)) target = target?.[key];
      if (entry.items) target?.push(...entry.items);
      else if (target && entry.data) Object.assign(target, entry.data);
    }
  }
  return { data, errors };
}

async function* chunks(res: Response): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) yield decoder.decode(chunk, { stream: true });
}

async function* wholeBody(res: Response): AsyncGenerator<string> {
  yield await res.text();
}

/** The JSON bodies of a multipart/mixed answer, each as soon as its part is complete. */
async function* multipartBodies(res: Response, contentType: string): AsyncGenerator<string> {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType)?.[1];
  if (!boundary) throw new Error(`No boundary in ${contentType}`);
  const delimiter = `\r\n--${boundary}`;
  // The body starts with a CRLF before its first delimiter; every part ends at the next one.
  let buffer = '\r\n';
  let started = false;
  for await (const text of chunks(res)) {
    buffer += text;
    for (let at = buffer.indexOf(delimiter); at !== -1; at = buffer.indexOf(delimiter)) {
      const part = buffer.slice(0, at);
      buffer = buffer.slice(at + delimiter.length);
      if (started) {
        const bodyAt = part.indexOf('\r\n\r\n');
        if (bodyAt === -1) throw new Error(`A part without headers: ${JSON.stringify(part.slice(0, 200))}`);
        yield part.slice(bodyAt + 4);
      }
      started = true;
      if (buffer.startsWith('--')) return;
    }
  }
  throw new Error('The multipart answer ended without its closing delimiter');
}

/** The data of the `next` events of a text/event-stream answer, until its `complete` event. */
async function* sseBodies(res: Response): AsyncGenerator<string> {
  let buffer = '';
  for await (const text of chunks(res)) {
    buffer += text;
    for (let at = buffer.indexOf('\n\n'); at !== -1; at = buffer.indexOf('\n\n')) {
      const event = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      const lines = event.split('\n').filter((line) => !line.startsWith(':'));
      const name = lines
        .find((line) => line.startsWith('event:'))
        ?.slice(6)
        .trim();
      const data = lines
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (name === 'complete') return;
      if (name === 'next' || (!name && data)) yield data;
    }
  }
  throw new Error('The event stream ended without its complete event');
}
