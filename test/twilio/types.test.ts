/**
 * Type-level checks of the generated calls; `tsc --noEmit` enforces them,
 * and the bodies never run against a server.
 */
import { describe, expectTypeOf, it } from 'vitest';
import * as chat from '../../src/twilio/chat.ts';
import type { TwilioClient } from '../../src/twilio/client.ts';
import type { TwilioPage } from '../../src/twilio/paging.ts';
import * as proxy from '../../src/twilio/proxy.ts';

describe('generated call types', () => {
  it('types requests and responses from the operation table', () => {
    expectTypeOf(chat.fetchChannel).returns.resolves.toEqualTypeOf<chat.ChatChannelRecord>();
    expectTypeOf(chat.listMembers).returns.resolves.toEqualTypeOf<TwilioPage<chat.ChatMemberRecord>>();
    expectTypeOf(chat.deleteChannel).returns.resolves.toEqualTypeOf<void>();
    expectTypeOf<TwilioClient['call']>().toBeFunction();
    expectTypeOf<chat.ChatChannelRecord['type']>().toEqualTypeOf<chat.ChatChannelType | null>();
    expectTypeOf<proxy.ProxySessionRecord['status']>().toEqualTypeOf<proxy.ProxySessionStatus | null>();
  });

  it('rejects requests that do not fit the spec', () => {
    const client = {} as TwilioClient;
    const never = () => {
      // @ts-expect-error the path needs ServiceSid
      void chat.fetchChannel(client, { path: { Sid: 'CH1' } });
      // @ts-expect-error Type is 'public' | 'private'
      void chat.createChannel(client, { path: { ServiceSid: 'IS1' }, body: { Type: 'secret' } });
      // @ts-expect-error FriendlyName is required to create a Chat service
      void chat.createService(client, { body: {} });
      // A request with only optional parts may be left out.
      void chat.listServices(client);
      void client.call(chat.chatOperations.ListService);
      // @ts-expect-error ...but not when the operation needs a path.
      void client.call(chat.chatOperations.FetchService);
      // Dotted form names and headers are typed too.
      void chat.updateService(client, { path: { Sid: 'IS1' }, body: { 'Notifications.NewMessage.Enabled': true } });
      void chat.createMessage(client, {
        path: { ServiceSid: 'IS1', ChannelSid: 'CH1' },
        body: { Body: 'hi', DateCreated: new Date() },
        headers: { 'X-Twilio-Webhook-Enabled': 'true' },
      });
    };
    expectTypeOf(never).toBeFunction();
  });
});
