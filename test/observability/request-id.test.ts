/** The request id on the log lines Yoga writes about a request's unexpected errors. */
import { describe, expect, it } from 'vitest';
import { createSchema, createYoga, type YogaLogger } from 'graphql-yoga';
import { RequestIds, acceptedRequestId } from '../../src/observability/request-id.ts';

function recordingLogger() {
  const lines: unknown[][] = [];
  const log = (...args: unknown[]) => void lines.push(args);
  const logger: YogaLogger = { debug: () => {}, info: log, warn: log, error: log };
  return { lines, logger };
}

describe('request ids in log lines', () => {
  it("puts the request's id before the error Yoga logs for it", async () => {
    const ids = new RequestIds();
    const { lines, logger } = recordingLogger();
    const yoga = createYoga({
      schema: createSchema({
        typeDefs: 'type Query { boom: String, fine: String }',
        resolvers: {
          Query: {
            boom: () => {
              throw new Error('kaboom');
            },
            fine: () => 'ok',
          },
        },
      }),
      plugins: [ids.plugin()],
      logging: ids.logger(logger),
    });
    const ask = (query: string, id: string) =>
      yoga.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': id },
        body: JSON.stringify({ query }),
      });
    const [first, second] = await Promise.all([ask('{ boom }', 'req-1'), ask('{ fine boom }', 'req-2')]);
    expect((await first.json()).errors[0].message).toBe('Unexpected error.');
    expect(second.headers.get('x-request-id')).toBe('req-2');
    const errors = lines.filter((line) => String(line[1]).includes('kaboom'));
    expect(errors.map((line) => line[0]).sort()).toEqual(['[request req-1]', '[request req-2]']);
  });

  it('accepts ids of letters, digits and -_.: up to 128 characters', () => {
    expect(acceptedRequestId('a-b_c.d:e')).toBe('a-b_c.d:e');
    expect(acceptedRequestId(null)).toBeUndefined();
    expect(acceptedRequestId('a\r\nInjected: yes')).toBeUndefined();
    expect(acceptedRequestId('x'.repeat(129))).toBeUndefined();
  });
});
