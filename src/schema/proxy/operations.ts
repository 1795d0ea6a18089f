/**
 * Where each Proxy v1 REST read is reachable in the schema, as
 * `Type.field` coordinates (each write is found from its mutation's
 * declaration: see `operationCoverage` in ../coverage.ts).
 * `test/gateway/coverage.test.ts` checks the whole map against `specs/`
 * and the built schema, so a spec change the schema misses
 * fails the build.
 */
export const proxyOperations: Record<string, string> = {
  'proxy.ListService': 'Query.proxyServices',
  'proxy.FetchService': 'Query.proxyService',
  'proxy.ListSession': 'ProxyService.sessions',
  'proxy.FetchSession': 'ProxyService.session',
  'proxy.ListParticipant': 'ProxySession.participants',
  'proxy.FetchParticipant': 'ProxySession.participant',
  'proxy.ListInteraction': 'ProxySession.interactions',
  'proxy.FetchInteraction': 'ProxySession.interaction',
  'proxy.ListMessageInteraction': 'ProxyParticipant.messageInteractions',
  'proxy.FetchMessageInteraction': 'ProxyParticipant.messageInteraction',
  'proxy.ListPhoneNumber': 'ProxyService.phoneNumbers',
  'proxy.FetchPhoneNumber': 'ProxyService.phoneNumber',
  'proxy.ListShortCode': 'ProxyService.shortCodes',
  'proxy.FetchShortCode': 'ProxyService.shortCode',
};
