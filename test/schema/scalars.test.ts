/**
 * The DateTime and URL scalars answer exactly what graphql-scalars' answer,
 * as JSON, for every value: the values Twilio sends take a shorter path,
 * everything else is graphql-scalars' own.
 */
import { describe, expect, it } from 'vitest';
import { DateTimeResolver, URLResolver } from 'graphql-scalars';
import type { GraphQLScalarType } from 'graphql';
import { DateTime, Url, isPlainUrl, twilioDateJson } from '../../src/schema/shared/scalars.ts';

/** What a scalar's serialize makes of `value`, as it ends up in a response. */
function answer(scalar: GraphQLScalarType, value: unknown): string {
  try {
    return JSON.stringify(scalar.serialize(value));
  } catch (error) {
    return `throws ${(error as Error).message}`;
  }
}

function expectSame(ours: GraphQLScalarType, theirs: GraphQLScalarType, values: unknown[]): void {
  for (const value of values) expect(answer(ours, value), String(value)).toBe(answer(theirs, value));
}

describe('DateTime', () => {
  it('answers as graphql-scalars does', () => {
    const values: unknown[] = [
      '2026-01-15T09:00:00Z',
      '2024-02-29T23:59:59Z',
      '2023-02-29T00:00:00Z',
      '2000-02-29T12:00:00Z',
      '1900-02-29T12:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-00-10T00:00:00Z',
      '2026-01-00T00:00:00Z',
      '2026-01-15T24:00:00Z',
      '2026-01-15T23:60:00Z',
      '2026-12-31T23:59:60Z',
      '0001-01-01T00:00:00Z',
      '9999-12-31T23:59:59Z',
      '2026-01-15T09:00:00.123Z',
      '0000-02-29T00:00:00Z',
      '2100-02-29T00:00:00Z',
      '2400-02-29T00:00:00Z',
      '2026-1a-15T09:00:00Z',
      '+026-01-15T09:00:00Z',
      '2026-01-15T09:00:0aZ',
      '2026-01-15T-9:00:00Z',
      '2026-01-15T09:00:00ZZ',
      '2026-01-15T09:00:00+01:00',
      '2026-01-15t09:00:00z',
      '2026-01-15 09:00:00Z',
      'Thu, 15 Jan 2026 09:00:00 +0000',
      '',
      'soon',
      new Date('2026-01-15T09:00:00Z'),
      new Date(NaN),
      1768467600000,
      null,
      undefined,
      {},
    ];
    for (let day = 0; day < 800; day += 7) values.push(new Date(Date.UTC(2023, 0, 1) + day * 86_400_000 + day * 1000).toISOString().replace('.000', ''));
    expectSame(DateTime, DateTimeResolver, values);
  });

  it("writes Twilio's dates without a Date", () => {
    expect(twilioDateJson('2026-01-15T09:00:00Z')).toBe('2026-01-15T09:00:00.000Z');
    expect(twilioDateJson('2026-02-29T09:00:00Z')).toBeUndefined();
    expect(DateTime.serialize('2026-01-15T09:00:00Z')).toBe('2026-01-15T09:00:00.000Z');
  });
});

describe('URL', () => {
  it('answers as graphql-scalars does', () => {
    const schemes = ['http', 'https', 'HTTP', 'ftp'];
    const hosts = [
      'chat.twilio.com',
      'EXAMPLE.com',
      '127.0.0.1',
      '127.1',
      '0x7f.0.0.1',
      '1.2.3.256',
      '10.0.0.09',
      'xn--nxasmq6b.com',
      'xn--abc',
      'localhost',
      'a.b-c.d',
      'a..b',
      'user@host',
      '[::1]',
      'a_b.com',
      'ex%41mple.com',
    ];
    const ports = ['', ':80', ':443', ':8080', ':080', ':0', ':65535', ':65536'];
    const paths = [
      '',
      '/',
      '/v2/Services/IS0123',
      '/a/./b',
      '/a/../b',
      '/a/%2e%2E/b',
      '/a/.',
      '/a/..',
      '/a/.b',
      '/a b',
      '/a%20b',
      "/it's",
      '/a|b',
      '/a^b',
      '/a`b',
      '/{x}',
      '/ü',
      '/a.b',
      '/~x@:',
      '/a\\b',
      '/%zz',
      '//',
      '/a/..?q',
      '/a/%2E.',
      '/a/...',
      '/.%2',
      '/%2',
    ];
    const queries = ['', '?', '?a=b', "?a='b'", '?a=b c', '?a=%zz', '?x=/y?z', '?a=ü', '?a=<b>', '?x=/../y', '?x=/.', '?x=/%2e%2e?', '?x=/...'];
    const fragments = ['', '#f'];
    const values: unknown[] = ['', 'not a url', '/relative', 'mailto:x@y.z', null, new URL('https://chat.twilio.com/v2/Services'), 42];
    let i = 0;
    for (const scheme of schemes)
      for (const host of hosts)
        for (const port of ports) {
          // Every combination of scheme, host and port, with paths, queries and fragments taken in turn.
          const path = paths[i % paths.length]!;
          const query = queries[i % queries.length]!;
          const fragment = fragments[i % fragments.length]!;
          i++;
          values.push(`${scheme}://${host}${port}${path}${query}${fragment}`);
          for (const p of paths) values.push(`${scheme}://${host}${port}${p}`);
          for (const q of queries) values.push(`${scheme}://${host}${port}/x${q}`);
        }
    expect(values.length).toBeGreaterThan(10_000);
    expectSame(Url, URLResolver, values);
  });

  it("passes Twilio's URLs through as they are", () => {
    for (const url of ['https://chat.twilio.com/v2/Services/IS0123/Channels/CH0123/Members/MB0123', 'http://127.0.0.1:4010/v2/Services?PageSize=50&Page=0']) {
      expect(isPlainUrl(url)).toBe(true);
      expect(Url.serialize(url)).toBe(url);
    }
  });
});
