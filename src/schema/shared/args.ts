/** Connection arguments, described once. */
import { builder } from '../builder.ts';

type ArgBuilder = Parameters<Parameters<typeof builder.queryField>[1]>[0]['arg'];

/** `first`/`after`: every Twilio list pages forwards. */
export function forwardArgs(arg: ArgBuilder, max = 1000) {
  return {
    first: arg.int({ description: `How many items to return, from 0 to ${max} (the most Twilio serves in one page); 50 when omitted.` }),
    after: arg.string({ description: 'Return the items after this cursor (an `endCursor` or edge `cursor`).' }),
  };
}

/** `first`/`after` and `last`/`before`, for lists Twilio can also read newest first. */
export function bothWaysArgs(arg: ArgBuilder, max = 1000) {
  return {
    ...forwardArgs(arg, max),
    last: arg.int({ description: `How many of the latest items (or of those before \`before\`) to return, from 0 to ${max}.` }),
    before: arg.string({ description: 'Return the items before this cursor (a `startCursor` or edge `cursor`).' }),
  };
}
