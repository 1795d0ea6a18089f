/**
 * A record's `url` given relative to the product's host (as the Accounts spec
 * has it) is made absolute against the origin the call went to, so the schema
 * never names a host; an absolute one is left exactly as Twilio wrote it.
 */
import { describe, expect, it } from 'vitest';
import * as accounts from '../../src/twilio/accounts.ts';
import { TwilioClient } from '../../src/twilio/client.ts';
import { createGateway } from '../../src/gateway.ts';
import { ACCOUNT_SID, AUTH_TOKEN, json, startServer, testTransport } from './support/http.ts';

const credentials = { accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN };
const sid = (n: number) => `CR${n.toString(16).padStart(32, '0')}`;
const record = (n: number, url: string) => ({ sid: sid(n), account_sid: ACCOUNT_SID, friendly_name: `credential ${n}`, url });
const ABSOLUTE = `https://accounts.twilio.com/v1/Credentials/AWS/${sid(2)}`;

async function accountsServer() {
  return startServer((req, res) => {
    if (req.url.startsWith(`/v1/Credentials/AWS/${sid(1)}`)) return json(res, 200, record(1, `/v1/Credentials/AWS/${sid(1)}`));
    if (req.url.startsWith(`/v1/Credentials/AWS/${sid(2)}`)) return json(res, 200, record(2, ABSOLUTE));
    const meta = {
      page: 0,
      page_size: 50,
      first_page_url: '/v1/Credentials/AWS?PageSize=50&Page=0',
      previous_page_url: null,
      url: '/v1/Credentials/AWS?PageSize=50&Page=0',
      next_page_url: null,
      key: 'credentials',
    };
    return json(res, 200, { credentials: [record(1, `/v1/Credentials/AWS/${sid(1)}`), record(2, ABSOLUTE)], meta });
  });
}

describe('record URLs', () => {
  it("resolves a record's relative url against the origin called, and keeps an absolute one as it is", async () => {
    await using server = await accountsServer();
    await using transport = testTransport(server.url);
    const client = new TwilioClient(transport, credentials);
    expect((await accounts.fetchCredentialAws(client, { path: { Sid: sid(1) } })).url).toBe(`${server.url}/v1/Credentials/AWS/${sid(1)}`);
    expect((await accounts.fetchCredentialAws(client, { path: { Sid: sid(2) } })).url).toBe(ABSOLUTE);
  });

  it('resolves those of every record of a page, and leaves the paging URLs to paging', async () => {
    await using server = await accountsServer();
    await using transport = testTransport(server.url);
    const page = await accounts.listCredentialAws(new TwilioClient(transport, credentials));
    expect(page.items.map((c) => c.url)).toEqual([`${server.url}/v1/Credentials/AWS/${sid(1)}`, ABSOLUTE]);
  });

  it('serves the absolute URL through the schema', async () => {
    await using server = await accountsServer();
    await using transport = testTransport(server.url);
    const gateway = createGateway({ transport, credentials, logging: false });
    try {
      const res = await gateway.fetch('http://gateway.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `{ a: awsCredential(sid: "${sid(1)}") { url } b: awsCredential(sid: "${sid(2)}") { url } }` }),
      });
      expect((await res.json()).data).toEqual({ a: { url: `${server.url}/v1/Credentials/AWS/${sid(1)}` }, b: { url: ABSOLUTE } });
    } finally {
      await gateway.live.close();
    }
  });
});
