/**
 * What a cached answer depends on, and what a write changes, named the same
 * way: as the Twilio resources involved, by their REST path under their
 * product (`chat:/v2/Services/IS…/Channels/CH…/Messages`). Tags are kept per
 * account by the stores, so no invalidation reaches another account's answers.
 *
 * They come from the REST calls themselves rather than from the GraphQL
 * answer, so that they hold whatever the query selected (no `id` needs adding
 * to a query, which for an object named by its unique name would cost a call
 * the cost model did not predict), and whatever a mutation's payload selects.
 *
 * A read depends on what it read: the list or the object at its path; also,
 * for an object read by a name, the names in the list it is in (`…#names`:
 * creating, renaming or deleting another object can give it that name); and
 * the canonical paths of the records it got (their `url`), so that a read
 * through a unique name is found by a write through the SID.
 *
 * A write changes the object it wrote, the list that object is in, the object
 * that list belongs to, and the list that one is in (counts such as a
 * channel's `messagesCount` show in its service's list of channels): its
 * path and up to three levels above it, and the same for the record it
 * answers with (a create's path is the list; its record names the new
 * object); and the names in the list it wrote in, but not those of the lists
 * above (a message sent does not rename a channel).
 */
import { CHAT_EVENTS, type ChatLiveEvent } from '../live/events.ts';
import type { HttpMethod, TwilioProduct } from '../twilio/operation.ts';

/** Every answer of an account carries it: writes that change who may read (auth tokens) invalidate them all. */
export const ACCOUNT_TAG = '*';

/** Levels above a written path that it invalidates. */
const LEVELS_ABOVE = 3;

const SID = /^[A-Z]{2}[0-9a-f]{32}$/;

/** The path of a request or a record's URL, without query, as a tag of its product. */
function tag(product: TwilioProduct, path: string): string {
  const q = path.indexOf('?');
  return `${product}:${q < 0 ? path : path.slice(0, q)}`;
}

/** A tag's path, `levels` up: null above the list at a version's root (`/v2/Services`). */
function up(tagged: string, levels = 1): string | null {
  const colon = tagged.indexOf(':');
  const segments = tagged.slice(colon + 1).split('/');
  // ['', 'v2', 'Services'] is the highest: a version alone names nothing.
  if (segments.length - levels < 3) return null;
  return `${tagged.slice(0, colon)}:${segments.slice(0, segments.length - levels).join('/')}`;
}

/** The path of a record's `url`, if it has one on its product's host. */
function urlPath(record: unknown): string | null {
  const url = (record as { url?: unknown } | null)?.url;
  if (typeof url !== 'string') return null;
  try {
    return new URL(url).pathname;
  } catch {
    return null;
  }
}

/** The names of the objects of a list, as a read by name depends on them. */
function namesIn(list: string): string {
  return `${list}#names`;
}

/** A written object's path, up to LEVELS_ABOVE levels above it (one fewer for a list), and the names of the list it is in. */
function withLevelsAbove(tagged: string, isList = false): string[] {
  const list = isList ? tagged : up(tagged);
  const tags = [tagged, ...(list ? [namesIn(list)] : [])];
  for (let level = 1; level <= LEVELS_ABOVE - (isList ? 1 : 0); level++) {
    const above = up(tagged, level);
    if (!above) break;
    tags.push(above);
  }
  return tags;
}

/** What a read answers: a page (with the property holding its records) or a record. */
export interface OperationShape {
  readonly listKey?: string | undefined;
}

/** What one request read and wrote, as tags; kept by the request's REST client while a response cache runs. */
export class ResourceTags {
  readonly reads = new Set<string>();
  readonly writes = new Set<string>();

  /** A read that answered `answer`. */
  read(product: TwilioProduct, path: string, operation: OperationShape | undefined, answer: unknown): void {
    const at = tag(product, path);
    this.reads.add(at);
    if (operation?.listKey) {
      const items = (answer as Record<string, unknown> | null)?.[operation.listKey];
      if (!Array.isArray(items)) return;
      // A page read through a name is found by writes through the SID: by its items' list.
      let last: string | null = null;
      for (const item of items) {
        const itemPath = urlPath(item);
        if (!itemPath) continue;
        const list = up(tag(product, itemPath));
        if (list && list !== last && list !== at) this.reads.add((last = list));
      }
      return;
    }
    const last = at.slice(at.lastIndexOf('/') + 1);
    // An object read by a name (a unique name, an identity): the names in the list it is in decide which object that is.
    if (!SID.test(last)) {
      const list = up(at);
      if (list) this.reads.add(namesIn(list));
    }
    const canonical = urlPath(answer);
    if (canonical) this.reads.add(tag(product, canonical));
  }

  /**
   * A write about to be sent (its outcome may never be known, so it counts
   * from now): to an object's path, or to a list's (`isList`: a create).
   */
  write(product: TwilioProduct, method: HttpMethod, path: string, isList: boolean): void {
    for (const t of withLevelsAbove(tag(product, path), isList)) this.writes.add(t);
    // An auth token created, deleted or promoted changes which credentials work: every answer of the account goes.
    if (product === 'accounts' && method !== 'GET' && tag(product, path).startsWith('accounts:/v1/AuthTokens')) this.writes.add(ACCOUNT_TAG);
  }

  /** A write's answer: the record it names, by its canonical path. */
  wrote(product: TwilioProduct, answer: unknown): void {
    const path = urlPath(answer);
    if (path) for (const t of withLevelsAbove(tag(product, path))) this.writes.add(t);
  }
}

/** Where the subject of each kind of Chat event lives, as the path its write would have. */
const CHAT_SUBJECT_PATHS: Record<string, (p: Readonly<Record<string, string | undefined>>) => string> = {
  MessageSid: (p) => `/v2/Services/${p.InstanceSid}/Channels/${p.ChannelSid}/Messages/${p.MessageSid}`,
  MemberSid: (p) => `/v2/Services/${p.InstanceSid}/Channels/${p.ChannelSid}/Members/${p.MemberSid}`,
  ChannelSid: (p) => `/v2/Services/${p.InstanceSid}/Channels/${p.ChannelSid}`,
  UserSid: (p) => `/v2/Services/${p.InstanceSid}/Users/${p.UserSid}`,
};

/**
 * What a verified Chat event changed, invalidated as the write it reports
 * would have been: a message sent in a channel invalidates that channel's
 * cached message pages, the channel, and its service's lists of channels.
 */
export function chatEventTags(event: ChatLiveEvent): string[] {
  const [subject] = CHAT_EVENTS[event.eventType].subject;
  const params = { ...event.params, InstanceSid: event.serviceSid, ChannelSid: event.channelSid ?? event.params.ChannelSid };
  // Every SID was checked when the webhook was read (readChatWebhook).
  return withLevelsAbove(tag('chat', CHAT_SUBJECT_PATHS[subject]!(params)));
}
