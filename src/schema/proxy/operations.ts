/**
 * Where each Proxy v1 REST operation is reachable in the schema, as
 * `Type.field` coordinates. `test/gateway/coverage.test.ts` checks this
 * against `specs/` and the built schema, so a spec change the schema misses
 * fails the build.
 */
export const proxyOperations: Record<string, string> = {
  'proxy.ListService': 'Query.proxyServices',
  'proxy.FetchService': 'Query.proxyService',
  'proxy.CreateService': 'Mutation.createProxyService',
  'proxy.UpdateService': 'Mutation.updateProxyService',
  'proxy.DeleteService': 'Mutation.deleteProxyService',
  'proxy.ListSession': 'ProxyService.sessions',
  'proxy.FetchSession': 'ProxyService.session',
  'proxy.CreateSession': 'Mutation.createProxySession',
  'proxy.UpdateSession': 'Mutation.updateProxySession',
  'proxy.DeleteSession': 'Mutation.deleteProxySession',
  'proxy.ListParticipant': 'ProxySession.participants',
  'proxy.FetchParticipant': 'ProxySession.participant',
  'proxy.CreateParticipant': 'Mutation.createProxyParticipant',
  'proxy.DeleteParticipant': 'Mutation.deleteProxyParticipant',
  'proxy.ListInteraction': 'ProxySession.interactions',
  'proxy.FetchInteraction': 'ProxySession.interaction',
  'proxy.DeleteInteraction': 'Mutation.deleteProxyInteraction',
  'proxy.ListMessageInteraction': 'ProxyParticipant.messageInteractions',
  'proxy.FetchMessageInteraction': 'ProxyParticipant.messageInteraction',
  'proxy.CreateMessageInteraction': 'Mutation.createProxyMessageInteraction',
  'proxy.ListPhoneNumber': 'ProxyService.phoneNumbers',
  'proxy.FetchPhoneNumber': 'ProxyService.phoneNumber',
  'proxy.CreatePhoneNumber': 'Mutation.createProxyPhoneNumber',
  'proxy.UpdatePhoneNumber': 'Mutation.updateProxyPhoneNumber',
  'proxy.DeletePhoneNumber': 'Mutation.deleteProxyPhoneNumber',
  'proxy.ListShortCode': 'ProxyService.shortCodes',
  'proxy.FetchShortCode': 'ProxyService.shortCode',
  'proxy.CreateShortCode': 'Mutation.createProxyShortCode',
  'proxy.UpdateShortCode': 'Mutation.updateProxyShortCode',
  'proxy.DeleteShortCode': 'Mutation.deleteProxyShortCode',
};
