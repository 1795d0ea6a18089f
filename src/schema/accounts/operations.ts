/**
 * Where each Accounts v1 REST read is reachable in the schema, as
 * `Type.field` coordinates (each write is found from its mutation's
 * declaration: see `operationCoverage` in ../coverage.ts). `test/gateway/coverage.test.ts` checks this
 * against `specs/` and the built schema.
 */
export const accountsOperations: Record<string, string> = {
  'accounts.ListCredentialAws': 'Query.awsCredentials',
  'accounts.FetchCredentialAws': 'Query.awsCredential',
  'accounts.ListCredentialPublicKey': 'Query.publicKeyCredentials',
  'accounts.FetchCredentialPublicKey': 'Query.publicKeyCredential',
  'accounts.FetchSafelist': 'Query.safeListNumber',
};
