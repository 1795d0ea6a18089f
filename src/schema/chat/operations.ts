/**
 * Where each Chat v2 REST read is reachable in the schema, as
 * `Type.field` coordinates (each write is found from its mutation's
 * declaration: see `operationCoverage` in ../coverage.ts).
 * `test/gateway/coverage.test.ts` checks the whole map against `specs/`
 * and the built schema, so a spec change the schema misses
 * fails the build; the README's coverage table is read from it.
 */
export const chatOperations: Record<string, string> = {
  'chat.ListService': 'Query.chatServices',
  'chat.FetchService': 'Query.chatService',
  'chat.ListCredential': 'Query.chatCredentials',
  'chat.FetchCredential': 'Query.chatCredential',
  'chat.ListChannel': 'ChatService.channels',
  'chat.FetchChannel': 'ChatService.channel',
  'chat.ListRole': 'ChatService.roles',
  'chat.FetchRole': 'ChatService.role',
  'chat.ListUser': 'ChatService.users',
  'chat.FetchUser': 'ChatService.user',
  'chat.ListBinding': 'ChatService.bindings',
  'chat.FetchBinding': 'ChatService.binding',
  'chat.ListMember': 'ChatChannel.members',
  'chat.FetchMember': 'ChatChannel.member',
  'chat.ListMessage': 'ChatChannel.messages',
  'chat.FetchMessage': 'ChatChannel.message',
  'chat.ListInvite': 'ChatChannel.invites',
  'chat.FetchInvite': 'ChatChannel.invite',
  'chat.ListChannelWebhook': 'ChatChannel.webhooks',
  'chat.FetchChannelWebhook': 'ChatChannel.webhook',
  'chat.ListUserChannel': 'ChatUser.channels',
  'chat.FetchUserChannel': 'ChatUser.channel',
  'chat.ListUserBinding': 'ChatUser.bindings',
  'chat.FetchUserBinding': 'ChatUser.binding',
};
