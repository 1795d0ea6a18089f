/**
 * Accounts demo data: AWS credentials (for Event Streams' Kinesis sink and
 * call recordings), public keys for Public Key Client Validation, and numbers
 * on the SafeList. No secondary auth token: it would add a credential the
 * account accepts.
 */
import type { Seeder } from './seeder.ts';

/**
 * RSA public keys (2048 bits) made once with `crypto.generateKeyPairSync`:
 * key generation is random and slow, and the seed must be neither. Their
 * private keys were never kept.
 */
const PUBLIC_KEYS = [
  `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAqtXIKqOh77/A+1atkKbr
gABydpQSFXMmdggnxZLin/aUjkBCwXq8VLSCflLcFNFtOmWsdpQ4XG5cg709oBgP
ayoQswCBZN8aziEWrhyplQsjk9XoYcPn2mOh1hqmKUIJ1ATNtEu4/UEC30wctVex
fVRxkJWFdQsGAcsLPQvVaECoSUCOZat1Gxcb3/EJpHSG56k3UfEoJIfcPfLO6JRZ
BeCCJlU2W2BRbCvCPoreI9ArM1K9OuyWHF20iPOMcfvbqhEVh6eWq0nRnr+pHx3e
1qRNMPz2RroAInVUTItxETgqZhvTk2iJy/JMqEAzHx1lWnfrtjhjGQkMg8Fj1Jqo
DQIDAQAB
-----END PUBLIC KEY-----
`,
  `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAt/oOFQpRR61tOU7iG2PF
qfEgq4Y0k2Jz1nlxGGeCoU720m18Ai8lZ/dWYV61nEMa3nbcJihsH1He5GQGlPM3
1VXJ1t1LNM4Die146MxZHNgXQw1S5T3gVroGRqHIFikEOe2/YuJAVFGqpPf4DfTj
nSIQDZ5IT0iuyXw8/RDL0dAk7zIqWRh1dzPfjD/NmmOCU4n0nYx9ADpjXKse6IaR
2c3GlCjc9IfjrjYzo6vn2tKQeMkZm/9Q1yQ8iQ/G6iEmTpkRnRqYWyy0yikt4oQm
RzdiK2verr/JaoSWgSigO0v7ffVBAl89ocsRZ2dJ+wJRbTrlF9wiuGmT2jp6MrDM
cQIDAQAB
-----END PUBLIC KEY-----
`,
  `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA2ZOFEy9A7R75fcCyR8IW
2Qm0QT3oeGMdM59MAQ6TGAFNwsmTqpOMswpgnaeOY3i/CzlNii0ZFeRnEbuWseJi
A1DX9ZFFmbiWEvFWLWjt/fpxyH6CWAQ1NNgPJUa9q02JzOSWKmUkcKi0QYE9DPwR
FkgWqyrPZ/ugLD/Vm8Rab2tnOEFQYW7M1sqUMayIzpXID+VukjQpul7K/u61IAEw
hNnrZI+xr05tPRPKyvfNDeGbxKSeqhWKfT7D72rJxl0gO10wrs5INjJObpOekZwK
W5tm4xK5eJ92/GKvonnixAJ2ds1TGmmlMsIZqyAwKRB3a8w5OCgbDESrbVcJf8+P
twIDAQAB
-----END PUBLIC KEY-----
`,
];

/** Seeds Accounts. */
export function seedAccounts(seeder: Seeder): void {
  const since = -65_000;
  // The secret half of a credential is checked, then dropped: only the access key id's owner knows it.
  const aws: Array<[string, string]> = [
    ['Event Streams Kinesis role', 'AKIAACMEDEMOKINESIS1:wJalrXUtnFEMI/K7MDENG/bPxRfiCYACMEKEY01'],
    ['Call recordings bucket (S3)', 'AKIAACMEDEMORECORDS2:wJalrXUtnFEMI/K7MDENG/bPxRfiCYACMEKEY02'],
    ['Staging (read-only)', 'AKIAACMEDEMOSTAGING3:wJalrXUtnFEMI/K7MDENG/bPxRfiCYACMEKEY03'],
  ];
  aws.forEach(([name, credentials], i) => seeder.call('accounts.CreateCredentialAws', {}, { FriendlyName: name, Credentials: credentials }, since + i * 1_440));

  const keys = ['Payments service', 'Mobile backend', 'CI deploy bot'];
  keys.forEach((name, i) => seeder.call('accounts.CreateCredentialPublicKey', {}, { FriendlyName: name, PublicKey: PUBLIC_KEYS[i]! }, since + 300 + i * 2_880));

  // Numbers on the SafeList: the team's test phones.
  ['+14155550123', '+16285553101', '+447700900123'].forEach((number, i) =>
    seeder.call('accounts.CreateSafelist', {}, { PhoneNumber: number }, since + 600 + i),
  );
}
