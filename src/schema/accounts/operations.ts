/**
 * Where each Accounts v1 REST operation is reachable in the schema, as
 * `Type.field` coordinates. `test/gateway/coverage.test.ts` checks this
 * against `specs/` and the built schema.
 */
export const accountsOperations: Record<string, string> = {
  'accounts.ListCredentialAws': 'Query.awsCredentials',
  'accounts.FetchCredentialAws': 'Query.awsCredential',
  'accounts.CreateCredentialAws': 'Mutation.createAwsCredential',
  'accounts.UpdateCredentialAws': 'Mutation.updateAwsCredential',
  'accounts.DeleteCredentialAws': 'Mutation.deleteAwsCredential',
  'accounts.ListCredentialPublicKey': 'Query.publicKeyCredentials',
  'accounts.FetchCredentialPublicKey': 'Query.publicKeyCredential',
  'accounts.CreateCredentialPublicKey': 'Mutation.createPublicKeyCredential',
  'accounts.UpdateCredentialPublicKey': 'Mutation.updatePublicKeyCredential',
  'accounts.DeleteCredentialPublicKey': 'Mutation.deletePublicKeyCredential',
  'accounts.FetchSafelist': 'Query.safeListNumber',
  'accounts.CreateSafelist': 'Mutation.createSafeListNumber',
  'accounts.DeleteSafelist': 'Mutation.deleteSafeListNumber',
  'accounts.CreateSecondaryAuthToken': 'Mutation.createSecondaryAuthToken',
  'accounts.DeleteSecondaryAuthToken': 'Mutation.deleteSecondaryAuthToken',
  'accounts.UpdateAuthTokenPromotion': 'Mutation.promoteSecondaryAuthToken',
  'accounts.CreateBulkConsents': 'Mutation.createBulkConsents',
  'accounts.CreateBulkContacts': 'Mutation.createBulkContacts',
};
