/**
 * The real process (`src/main.ts`): webhooks verified with TWILIO_AUTH_TOKEN
 * reach subscribers over SSE and graphql-ws; nothing of a webhook (body,
 * signature, token) is ever written to its output; on SIGTERM every
 * subscription ends and the process exits without waiting out the grace time.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { startMainProcess, type MainProcess } from '../support/main-process.ts';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { postChatWebhook, sseSubscribe, until, wsClient, wsSubscribe } from '../support/live.ts';

let main: MainProcess | undefined;

afterEach(async () => {
  await main?.stop();
  main = undefined;
});

async function startMain(): Promise<MainProcess> {
  main = await startMainProcess({ SHUTDOWN_GRACE_MS: '20000' });
  return main;
}

describe('src/main.ts', () => {
  it('serves live events, logs nothing of a webhook, and ends every subscription on SIGTERM at once', async () => {
    const main = await startMain();
    // Written just after the line startMain waits for, it may reach this process in a later chunk.
    await until(() => /webhooks\/twilio\/chat/.test(main.output()), 'the webhook endpoints to be told');
    const fixture = (
      await (
        await fetch(`${main.origin}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ chatServices(first: 1) { nodes { sid channels(first: 1) { nodes { sid } } } } }' }),
        })
      ).json()
    ).data.chatServices.nodes[0];
    const vars = { s: fixture.sid, c: fixture.channels.nodes[0].sid };
    const query = `subscription($s: String!, $c: String!) { chatChannelEvents(serviceSid: $s, channelSid: $c) { ... on ChatMessageRemovedEvent { messageSid body } } }`;
    const sse = await sseSubscribe(main.origin, query, vars);
    const client = wsClient(main.origin);
    const ws = wsSubscribe(client, query, vars);
    const params = {
      EventType: 'onMessageRemoved',
      AccountSid: DEMO_ACCOUNT.accountSid,
      InstanceSid: vars.s,
      ChannelSid: vars.c,
      MessageSid: 'IM00000000000000000000000000000001',
      Body: 'a secret in a message body',
      RetryCount: '0',
    };
    // Nothing outside the process tells when the graphql-ws subscription listens: events are sent until both subscribers have one.
    const bothHeard = async () => (await Promise.all([sse.quietFor(0), ws.quietFor(0)])).every((quiet) => !quiet);
    // Generous: a loaded machine can take seconds to start the process's first subscription.
    const deadline = Date.now() + 20_000;
    for (let retry = 0; !(await bothHeard()); retry++) {
      if (Date.now() > deadline) throw new Error('the subscribers never heard the event');
      expect((await postChatWebhook(main.origin, { ...params, MessageSid: `IM${String(retry).padStart(32, '0')}` }, DEMO_ACCOUNT.authToken)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await sse.next()).data.chatChannelEvents.body).toBe('a secret in a message body');
    expect((await ws.next()).data.chatChannelEvents.body).toBe('a secret in a message body');
    const forged = twilio.getExpectedTwilioSignature('not-the-token', `${main.origin}/webhooks/twilio/chat`, params);
    expect((await postChatWebhook(main.origin, params, 'not-the-token')).status).toBe(403);

    const started = Date.now();
    main.process.kill('SIGTERM');
    const [code] = (await once(main.process, 'exit')) as [number];
    expect(code).toBe(0);
    // Well within the 20 s grace: open subscriptions do not hold the shutdown.
    expect(Date.now() - started).toBeLessThan(5_000);
    await until(() => sse.completed && ws.completed, 'both subscriptions to end');
    await client.dispose();
    for (const secret of ['a secret in a message body', DEMO_ACCOUNT.authToken, forged]) expect(main.output()).not.toContain(secret);
  });
});
