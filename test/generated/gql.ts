/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query ChannelsWithPeople($sid: String!, $members: Int = 20) {\n  chatService(sid: $sid) {\n    channels(first: 20) {\n      nodes {\n        uniqueName\n        members(first: $members) {\n          nodes {\n            identity\n            user {\n              sid\n              friendlyName\n            }\n          }\n        }\n        messages(last: 5) {\n          nodes {\n            index\n            body\n            author {\n              identity\n              friendlyName\n            }\n          }\n        }\n      }\n    }\n  }\n}\n\nquery ChannelPage($sid: String!, $first: Int!, $after: String) {\n  chatService(sid: $sid) {\n    channels(first: $first, after: $after) {\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        endCursor\n      }\n      nodes {\n        uniqueName\n      }\n    }\n  }\n}\n\nquery MessageHistory($sid: String!, $channel: String!, $last: Int!, $before: String) {\n  chatService(sid: $sid) {\n    channel(sidOrUniqueName: $channel) {\n      messages(last: $last, before: $before) {\n        pageInfo {\n          hasPreviousPage\n          hasNextPage\n          startCursor\n        }\n        nodes {\n          index\n        }\n      }\n    }\n  }\n}": typeof types.ChannelsWithPeopleDocument,
};
const documents: Documents = {
    "query ChannelsWithPeople($sid: String!, $members: Int = 20) {\n  chatService(sid: $sid) {\n    channels(first: 20) {\n      nodes {\n        uniqueName\n        members(first: $members) {\n          nodes {\n            identity\n            user {\n              sid\n              friendlyName\n            }\n          }\n        }\n        messages(last: 5) {\n          nodes {\n            index\n            body\n            author {\n              identity\n              friendlyName\n            }\n          }\n        }\n      }\n    }\n  }\n}\n\nquery ChannelPage($sid: String!, $first: Int!, $after: String) {\n  chatService(sid: $sid) {\n    channels(first: $first, after: $after) {\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        endCursor\n      }\n      nodes {\n        uniqueName\n      }\n    }\n  }\n}\n\nquery MessageHistory($sid: String!, $channel: String!, $last: Int!, $before: String) {\n  chatService(sid: $sid) {\n    channel(sidOrUniqueName: $channel) {\n      messages(last: $last, before: $before) {\n        pageInfo {\n          hasPreviousPage\n          hasNextPage\n          startCursor\n        }\n        nodes {\n          index\n        }\n      }\n    }\n  }\n}": types.ChannelsWithPeopleDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ChannelsWithPeople($sid: String!, $members: Int = 20) {\n  chatService(sid: $sid) {\n    channels(first: 20) {\n      nodes {\n        uniqueName\n        members(first: $members) {\n          nodes {\n            identity\n            user {\n              sid\n              friendlyName\n            }\n          }\n        }\n        messages(last: 5) {\n          nodes {\n            index\n            body\n            author {\n              identity\n              friendlyName\n            }\n          }\n        }\n      }\n    }\n  }\n}\n\nquery ChannelPage($sid: String!, $first: Int!, $after: String) {\n  chatService(sid: $sid) {\n    channels(first: $first, after: $after) {\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        endCursor\n      }\n      nodes {\n        uniqueName\n      }\n    }\n  }\n}\n\nquery MessageHistory($sid: String!, $channel: String!, $last: Int!, $before: String) {\n  chatService(sid: $sid) {\n    channel(sidOrUniqueName: $channel) {\n      messages(last: $last, before: $before) {\n        pageInfo {\n          hasPreviousPage\n          hasNextPage\n          startCursor\n        }\n        nodes {\n          index\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query ChannelsWithPeople($sid: String!, $members: Int = 20) {\n  chatService(sid: $sid) {\n    channels(first: 20) {\n      nodes {\n        uniqueName\n        members(first: $members) {\n          nodes {\n            identity\n            user {\n              sid\n              friendlyName\n            }\n          }\n        }\n        messages(last: 5) {\n          nodes {\n            index\n            body\n            author {\n              identity\n              friendlyName\n            }\n          }\n        }\n      }\n    }\n  }\n}\n\nquery ChannelPage($sid: String!, $first: Int!, $after: String) {\n  chatService(sid: $sid) {\n    channels(first: $first, after: $after) {\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        endCursor\n      }\n      nodes {\n        uniqueName\n      }\n    }\n  }\n}\n\nquery MessageHistory($sid: String!, $channel: String!, $last: Int!, $before: String) {\n  chatService(sid: $sid) {\n    channel(sidOrUniqueName: $channel) {\n      messages(last: $last, before: $before) {\n        pageInfo {\n          hasPreviousPage\n          hasNextPage\n          startCursor\n        }\n        nodes {\n          index\n        }\n      }\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;