/** What a read depends on and what a write changes, as REST paths: precise enough that a message sent leaves the other channels' answers alone. */
import { describe, expect, it } from 'vitest';
import { ACCOUNT_TAG, ResourceTags, chatEventTags } from '../../src/cache/tags.ts';
import type { ChatLiveEvent } from '../../src/live/events.ts';

const IS = 'IS7c2b0f8089b4d5a5c41f9e2f81bd73bd';
const CH = 'CH8af4e252e74d8f3c33f00f7fd7db7699';
const IM = 'IM6399e7fc4a47ac9075c097051ed6fcd9';
const service = `chat:/v2/Services/${IS}`;
const channel = `${service}/Channels/${CH}`;
const url = (path: string) => `https://chat.twilio.com${path}`;

describe('a read', () => {
  it('depends on the list it read, and on the canonical list of its items when it went through a name', () => {
    const tags = new ResourceTags();
    const page = { messages: [{ url: url(`/v2/Services/${IS}/Channels/${CH}/Messages/${IM}`) }], meta: {} };
    tags.read('chat', `/v2/Services/${IS}/Channels/general/Messages?PageSize=5&Order=desc`, { listKey: 'messages' }, page);
    expect([...tags.reads]).toEqual([`${service}/Channels/general/Messages`, `${channel}/Messages`]);
  });

  it('depends on an object read by name, on the names in its list, and on its canonical path', () => {
    const tags = new ResourceTags();
    tags.read('chat', `/v2/Services/${IS}/Channels/general`, {}, { url: url(`/v2/Services/${IS}/Channels/${CH}`) });
    expect([...tags.reads]).toEqual([`${service}/Channels/general`, `${service}/Channels#names`, channel]);
    const bySid = new ResourceTags();
    bySid.read('chat', `/v2/Services/${IS}/Channels/${CH}`, {}, { url: url(`/v2/Services/${IS}/Channels/${CH}`) });
    expect([...bySid.reads]).toEqual([channel]);
  });
});

describe('a write', () => {
  it('a message created changes its list, its channel and the channels list, not the service', () => {
    const tags = new ResourceTags();
    tags.write('chat', 'POST', `/v2/Services/${IS}/Channels/${CH}/Messages`, true);
    tags.wrote('chat', { url: url(`/v2/Services/${IS}/Channels/${CH}/Messages/${IM}`) });
    expect(new Set(tags.writes)).toEqual(
      new Set([`${channel}/Messages`, `${channel}/Messages#names`, channel, `${service}/Channels`, `${channel}/Messages/${IM}`]),
    );
    expect(tags.writes.has(service)).toBe(false);
    expect(tags.writes.has(`${service}/Channels#names`)).toBe(false);
  });

  it('a channel updated through its unique name changes the names of its list and its canonical path', () => {
    const tags = new ResourceTags();
    tags.write('chat', 'POST', `/v2/Services/${IS}/Channels/general`, false);
    tags.wrote('chat', { url: url(`/v2/Services/${IS}/Channels/${CH}`) });
    expect(tags.writes).toEqual(
      new Set([`${service}/Channels/general`, `${service}/Channels#names`, `${service}/Channels`, service, 'chat:/v2/Services', channel]),
    );
  });

  it('an auth token written changes every answer of the account', () => {
    const tags = new ResourceTags();
    tags.write('accounts', 'POST', '/v1/AuthTokens/Promote', false);
    expect(tags.writes.has(ACCOUNT_TAG)).toBe(true);
  });
});

describe('a verified Chat event', () => {
  it('invalidates what the write it reports would have', () => {
    const event: ChatLiveEvent = {
      product: 'chat',
      eventType: 'onMessageSent',
      accountSid: 'AC00000000000000000000000000000001',
      serviceSid: IS,
      channelSid: CH,
      params: { MessageSid: IM, Body: 'hi' },
    };
    expect(new Set(chatEventTags(event))).toEqual(
      new Set([`${channel}/Messages/${IM}`, `${channel}/Messages#names`, `${channel}/Messages`, channel, `${service}/Channels`]),
    );
    const added: ChatLiveEvent = { ...event, eventType: 'onChannelAdded', channelSid: null, params: { ChannelSid: CH } };
    expect(chatEventTags(added)).toContain(`${service}/Channels#names`);
  });
});
