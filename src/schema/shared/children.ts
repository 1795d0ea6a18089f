/**
 * The fields a parent gets for one kind of child: the connection over
 * Twilio's list of them, and the lookup of one by SID. Both need only the
 * parent's keys (keys.ts): the list's REST path is built from them, and a
 * child's node key is the parent's followed by the child's SID.
 */
import type { InputFieldMap, InputShapeFromFields, ObjectRef, SchemaTypes } from '@pothos/core';
import type { GatewayContext } from '../context.ts';
import type { TwilioListOperation, TwilioRequest } from '../../twilio/operation.ts';
import { bothWaysArgs, forwardArgs } from './args.ts';
import { resolveConnection, twilioList, type ConnectionArgs } from './connection.ts';
import { nodeKey } from './global-id.ts';
import type { Keys, NodeKeys } from './keys.ts';
import { checkSid } from './validate.ts';

type ArgBuilder = Parameters<typeof forwardArgs>[0];

/** A type with a loader by node key (`builder.loadableNodeRef`). */
interface Loadable<Types extends SchemaTypes> extends ObjectRef<Types, unknown> {
  getDataloader(ctx: GatewayContext): { load(key: string): Promise<unknown> };
}

export interface ChildConnection<Types extends SchemaTypes, K, Req extends TwilioRequest, Key extends string, Item, Args extends InputFieldMap> {
  type: ObjectRef<Types, unknown>;
  description: string;
  /** The list operation, and its request from the parent's keys and the field's arguments. */
  operation: TwilioListOperation<Req, Key, Item>;
  request: (keys: Keys<K>, args: InputShapeFromFields<Args> & ConnectionArgs) => NoInfer<Req>;
  /** Arguments beside the connection's (filters). */
  args?: Args;
  /** The list can be read newest first: `last`/`before` too. */
  orderable?: boolean;
  extensions?: Record<string, unknown>;
}

export interface ChildBySid<Types extends SchemaTypes> {
  type: Loadable<Types>;
  description: string;
  /** The SID prefix of the child (`BS`), and the description of the `sid` argument. */
  sid: string;
  sidDescription: string;
}

/**
 * The key-only fields of `keys`'s type (`NodeKeys.fields`), with `connection`
 * (a child list) and `bySid` (one child by SID, loaded by its node key).
 */
export function childFields<Types extends SchemaTypes, R extends object, K extends Record<string, string>>(
  keys: NodeKeys<R, K>,
  t: { builder: PothosSchemaTypes.SchemaBuilder<Types>; arg: ArgBuilder },
) {
  const k = keys.fields(t);
  return {
    ...k,
    connection: <Req extends TwilioRequest, Key extends string, Item, Args extends InputFieldMap = {}>(
      options: ChildConnection<Types, K, Req, Key, Item, Args>,
    ) =>
      k.list({
        type: options.type,
        nullable: false,
        description: options.description,
        extensions: options.extensions,
        args: { ...(options.orderable ? bothWaysArgs(t.arg) : forwardArgs(t.arg)), ...options.args },
        resolve: (parent: Keys<K>, args: InputShapeFromFields<Args> & ConnectionArgs, ctx: GatewayContext) =>
          resolveConnection(twilioList(ctx, options.operation, options.request(parent, args), options.orderable ? { orderable: true } : {}), args),
      } as never),
    bySid: (options: ChildBySid<Types>) =>
      k.lookup({
        type: options.type,
        description: options.description,
        args: { sid: t.arg.string({ required: true, description: options.sidDescription }) },
        resolve: (parent: Keys<K>, { sid }: { sid: string }, ctx: GatewayContext) =>
          options.type.getDataloader(ctx).load(nodeKey(keys.key(parent), checkSid('sid', sid, options.sid))),
      } as never),
  };
}
