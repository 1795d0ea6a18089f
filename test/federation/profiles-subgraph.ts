/**
 * A small second subgraph, as another team would write it: it adds a
 * `profile` to the gateway's `ChatUser` entity, and references `ChatChannel`
 * entities it does not own. Served by graphql-yoga on port 0.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { createYoga } from 'graphql-yoga';

export const PROFILES_SDL = /* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

  type Profile {
    displayName: String!
    pronouns: String
    team: String!
  }

  type ChatUser @key(fields: "serviceSid identity") {
    serviceSid: String!
    identity: String!
    profile: Profile
  }

  type ChatChannel @key(fields: "serviceSid sid", resolvable: false) {
    serviceSid: String!
    sid: String!
  }

  type Query {
    """Users the profiles team features, as references the gateway resolves."""
    featuredUsers(serviceSid: String!): [ChatUser!]!
    """A channel the profiles team points people to."""
    featuredChannel(serviceSid: String!, sid: String!): ChatChannel
  }
`;

const TEAMS = ['web', 'mobile', 'platform', 'support'];

export interface ProfilesSubgraph {
  url: string;
  /** Identities the subgraph was asked to resolve profiles for, per `_entities` call. */
  entityBatches: string[][];
  close(): Promise<void>;
}

export async function startProfilesSubgraph(featured: string[]): Promise<ProfilesSubgraph> {
  const entityBatches: string[][] = [];
  const schema = buildSubgraphSchema({
    typeDefs: parse(PROFILES_SDL),
    resolvers: {
      ChatUser: {
        __resolveReference: (ref: { serviceSid: string; identity: string }) => ref,
        profile: (user: { identity: string }) => ({
          displayName: user.identity[0]!.toUpperCase() + user.identity.slice(1),
          pronouns: null,
          team: TEAMS[user.identity.length % TEAMS.length],
        }),
      },
      Query: {
        featuredUsers: (_: unknown, { serviceSid }: { serviceSid: string }) => featured.map((identity) => ({ serviceSid, identity })),
        featuredChannel: (_: unknown, args: { serviceSid: string; sid: string }) => args,
      },
    } as never,
  });
  const yoga = createYoga({
    schema,
    logging: false,
    plugins: [
      {
        onParams({ params }) {
          if (params.query?.includes('_entities')) {
            const reps = (params.variables?.representations ?? []) as Array<{ identity?: string }>;
            entityBatches.push(reps.map((r) => r.identity ?? ''));
          }
        },
      },
    ],
  });
  const server: Server = createServer(yoga);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    entityBatches,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
