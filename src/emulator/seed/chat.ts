/**
 * Chat demo data: two services, Acme Support and Acme Community, with users,
 * a custom role, channels of both types, members who have read part of their
 * channels, messages, invites, channel webhooks, push bindings and two push
 * credentials.
 */
import { at, draws, prng, type Seeder } from './seeder.ts';

export const FIRST_NAMES = [
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'mallory',
  'niaj',
  'olivia',
  'peggy',
  'rupert',
  'sybil',
  'trent',
  'victor',
  'walter',
  'yasmin',
  'zoe',
  'amir',
  'bea',
  'chen',
  'diego',
  'elif',
  'farah',
  'goran',
  'hana',
  'ines',
  'jonas',
  'kofi',
  'lena',
  'mateo',
  'nora',
  'omar',
  'priya',
  'quinn',
  'rosa',
  'sami',
  'tariq',
  'uma',
  'vera',
  'wen',
  'xavi',
  'yusuf',
];

const TOPICS = [
  'general',
  'random',
  'announcements',
  'engineering',
  'design',
  'product',
  'support',
  'billing',
  'onboarding',
  'release-notes',
  'incidents',
  'mobile',
  'web',
  'api',
  'data',
  'security',
  'sales',
  'marketing',
  'hiring',
  'social',
  'book-club',
  'running',
  'music',
  'travel',
  'food',
  'gaming',
  'photography',
  'pets',
  'help-desk',
  'feedback',
  'beta-testers',
  'partners',
];

const LINES = [
  'Morning all!',
  'Has anyone seen the latest build?',
  'I pushed a fix for that, please take a look.',
  'Can we move the sync to 3pm?',
  'Thanks, that worked.',
  'The dashboard is loading slowly again.',
  'Here is the doc I mentioned.',
  'Looks good to me 👍',
  'Who owns the billing export?',
  'Deploy is green.',
  'Let me check and get back to you.',
  'Reminder: retro tomorrow at 10.',
  'Customer reported a timeout on checkout.',
  'Great work on the launch, everyone!',
  'Is there a ticket for this?',
  'I can pair on it this afternoon.',
];

/** Seeds Chat; answers the SIDs of the two services. */
export function seedChat(seeder: Seeder): { support: string; community: string } {
  seeder.call('chat.CreateCredential', {}, { Type: 'fcm', FriendlyName: 'Acme Android', Secret: 'fcm-server-key-demo' }, -70_000);
  seeder.call(
    'chat.CreateCredential',
    {},
    { Type: 'apn', FriendlyName: 'Acme iOS', Certificate: '-----BEGIN CERTIFICATE-----demo', PrivateKey: '-----BEGIN RSA PRIVATE KEY-----demo', Sandbox: true },
    -70_000,
  );
  const support = seedChatService(seeder, { name: 'Acme Support', users: 40, channels: 32, seed: 1, since: -60_000 });
  const community = seedChatService(seeder, { name: 'Acme Community', users: 24, channels: 20, seed: 2, since: -58_000 });
  return { support, community };
}

function seedChatService(seeder: Seeder, opts: { name: string; users: number; channels: number; seed: number; since: number }): string {
  const { random, pick } = draws(prng(opts.seed));
  const { since } = opts;
  const serviceSid = seeder.create('chat.CreateService', {}, { FriendlyName: opts.name }, since);
  const svc = { ServiceSid: serviceSid };
  seeder.call(
    'chat.UpdateService',
    { Sid: serviceSid },
    { 'Notifications.NewMessage.Enabled': true, 'Notifications.NewMessage.Template': '${CHANNEL};${USER}: ${MESSAGE}', ReachabilityEnabled: true },
    since + 5,
  );
  const moderator = seeder.create(
    'chat.CreateRole',
    svc,
    { FriendlyName: 'moderator', Type: 'channel', Permission: ['sendMessage', 'leaveChannel', 'editAnyMessage', 'deleteAnyMessage', 'removeMember'] },
    since + 10,
  );

  const identities: string[] = [];
  for (let i = 0; i < opts.users; i++) {
    const first = FIRST_NAMES[i % FIRST_NAMES.length]!;
    const identity = i < FIRST_NAMES.length ? first : `${first}${Math.floor(i / FIRST_NAMES.length) + 1}`;
    identities.push(identity);
    seeder.call(
      'chat.CreateUser',
      svc,
      {
        Identity: identity,
        FriendlyName: identity[0]!.toUpperCase() + identity.slice(1),
        Attributes: JSON.stringify({
          team: pick(['web', 'mobile', 'platform', 'support']),
          timezone: pick(['Europe/Berlin', 'America/New_York', 'Asia/Tokyo']),
        }),
      },
      since + 60 + i * 37,
    );
  }

  // Push bindings have no create operation in the REST API (devices register through the SDK), so they are stored directly.
  const account = seeder.account;
  const credentials = seeder.call('chat.ListCredential', {}, {}, since).credentials as Array<{ sid: string }>;
  const credential = credentials[0]?.sid ?? null;
  for (const identity of identities.slice(0, 8)) {
    const sid = seeder.newSid('BS');
    const users = account.list(`/v2/Services/${serviceSid}/Users`);
    const user = users.find((u) => u.data.identity === identity)!;
    account.insert(`/v2/Services/${serviceSid}/Bindings`, sid, {
      account_sid: seeder.accountSid,
      service_sid: serviceSid,
      sid,
      identity,
      binding_type: identity.length % 2 ? 'fcm' : 'apn',
      endpoint: `${identity}-device-${sid.slice(-6)}`,
      credential_sid: credential,
      message_types: ['new_message', 'added_to_channel'],
      date_created: at(-50_000),
      date_updated: at(-50_000),
      _user_path: user.path,
    });
  }

  let clock = -40_000;
  for (let c = 0; c < opts.channels; c++) {
    const topic = TOPICS[c % TOPICS.length]!;
    const creator = identities[c % identities.length]!;
    clock += 60 + Math.floor(random() * 600);
    const channelSid = seeder.create(
      'chat.CreateChannel',
      svc,
      {
        FriendlyName: topic.replace(/-/g, ' ').replace(/^\w/, (s) => s.toUpperCase()),
        UniqueName: topic,
        Type: c % 5 === 4 ? 'private' : 'public',
        CreatedBy: creator,
        Attributes: JSON.stringify({ topic, archived: false }),
        DateCreated: at(clock),
      },
      clock,
    );
    const ch = { ...svc, ChannelSid: channelSid };
    const memberCount = 3 + Math.floor(random() * Math.min(22, identities.length - 3));
    const start = Math.floor(random() * identities.length);
    const members: string[] = [];
    for (let m = 0; m < memberCount; m++) {
      const identity = identities[(start + m) % identities.length]!;
      members.push(identity);
      seeder.call('chat.CreateMember', ch, { Identity: identity, RoleSid: m === 0 ? moderator : undefined, DateCreated: at(clock + m) }, clock + m);
    }
    const messageCount = Math.floor(random() * 30);
    for (let i = 0; i < messageCount; i++) {
      clock += 1 + Math.floor(random() * 90);
      seeder.call(
        'chat.CreateMessage',
        ch,
        {
          From: pick(members),
          Body: pick(LINES),
          Attributes: JSON.stringify({ importance: random() < 0.1 ? 'high' : 'normal' }),
          DateCreated: at(clock),
        },
        clock,
      );
    }
    if (messageCount > 0) {
      // Some members have read part of the channel; user channels show their unread counts.
      const readers = members.slice(0, Math.ceil(members.length / 2));
      for (const identity of readers) {
        seeder.call(
          'chat.UpdateMember',
          { ...ch, Sid: identity },
          { LastConsumedMessageIndex: Math.floor(random() * messageCount), LastConsumptionTimestamp: at(clock) },
          clock,
        );
      }
    }
    if (c % 7 === 0) {
      const outsider = identities.find((i) => !members.includes(i));
      if (outsider) seeder.call('chat.CreateInvite', ch, { Identity: outsider }, clock);
    }
    if (c % 8 === 0) {
      seeder.call(
        'chat.CreateChannelWebhook',
        ch,
        {
          Type: 'webhook',
          'Configuration.Url': `https://hooks.example.com/chat/${topic}`,
          'Configuration.Method': 'POST',
          'Configuration.Filters': ['onMessageSent', 'onMemberAdded'],
        },
        clock,
      );
    }
  }
  return serviceSid;
}
