/**
 * What each node type's key is made of, part by part: the SID prefixes of the
 * specs, or a name where Twilio's path takes one instead (a channel's unique
 * name, a user's identity). Every key a loader splits is checked against this
 * table, so a node ID, a federation key or a link with a malformed SID is
 * refused with BAD_USER_INPUT before any REST call.
 */
import { isSid, isWellFormedText } from './validate.ts';

export interface KeyPart {
  /** For error messages: `a CH SID`, `a CH SID or a unique name`. */
  description: string;
  accepts(value: string): boolean;
}

const sid = (prefix: string): KeyPart => ({ description: `a ${prefix} SID (${prefix} and 32 hexadecimal digits)`, accepts: (value) => isSid(value, prefix) });

/** Where Twilio takes a SID or a name: any text a path segment can carry. */
const sidOrName = (prefix: string, name: string): KeyPart => ({
  description: `a ${prefix} SID or ${name}`,
  accepts: (value) => value !== '' && isWellFormedText(value),
});

/**
 * A parent's SID or name inside a child's key, where Twilio takes the name in
 * the child's path (a channel's unique name, a user's identity: the specs give
 * those path parameters no SID pattern). Only the last part of a key may hold
 * `:`, so a name holding one is not taken here.
 */
const parentSidOrName = (prefix: string, name: string): KeyPart => ({
  description: `a ${prefix} SID or ${name} without \`:\``,
  accepts: (value) => value !== '' && !value.includes(':') && isWellFormedText(value),
});

/** Event types and schema IDs are names holding no `:` or whitespace (see events/shared.ts). */
const eventsName = (what: string): KeyPart => ({ description: what, accepts: (value) => /^[^\s:]+$/.test(value) && isWellFormedText(value) });

const positiveInteger: KeyPart = { description: 'a schema version (a positive integer)', accepts: (value) => /^[1-9]\d{0,8}$/.test(value) };

const e164: KeyPart = { description: 'an E.164 phone number', accepts: (value) => /^\+[1-9]\d{1,14}$/.test(value) };

export const NODE_KEY_PARTS: Readonly<Record<string, readonly KeyPart[]>> = {
  ChatService: [sid('IS')],
  ChatChannel: [sid('IS'), sidOrName('CH', 'a unique name')],
  ChatMember: [sid('IS'), parentSidOrName('CH', 'a unique name'), sidOrName('MB', 'an identity')],
  ChatMessage: [sid('IS'), parentSidOrName('CH', 'a unique name'), sid('IM')],
  ChatUser: [sid('IS'), sidOrName('US', 'an identity')],
  ChatRole: [sid('IS'), sid('RL')],
  ChatInvite: [sid('IS'), parentSidOrName('CH', 'a unique name'), sid('IN')],
  ChatChannelWebhook: [sid('IS'), parentSidOrName('CH', 'a unique name'), sid('WH')],
  ChatBinding: [sid('IS'), sid('BS')],
  ChatUserBinding: [sid('IS'), parentSidOrName('US', 'an identity'), sid('BS')],
  ChatUserChannel: [sid('IS'), parentSidOrName('US', 'an identity'), sidOrName('CH', 'a unique name')],
  ChatCredential: [sid('CR')],
  ProxyService: [sidOrName('KS', 'a unique name')],
  ProxySession: [sid('KS'), sidOrName('KC', 'a unique name')],
  ProxyParticipant: [sid('KS'), sid('KC'), sid('KP')],
  ProxyInteraction: [sid('KS'), sid('KC'), sid('KI')],
  ProxyMessageInteraction: [sid('KS'), sid('KC'), sid('KP'), sid('KI')],
  ProxyPhoneNumber: [sid('KS'), sid('PN')],
  ProxyShortCode: [sid('KS'), sid('SC')],
  EventSink: [sid('DG')],
  EventSubscription: [sid('DF')],
  EventSubscribedEvent: [sid('DF'), eventsName('an event type')],
  EventType: [eventsName('an event type')],
  EventSchema: [eventsName('a schema ID')],
  EventSchemaVersion: [eventsName('a schema ID'), positiveInteger],
  AwsCredential: [sid('CR')],
  PublicKeyCredential: [sid('CR')],
  SafeListNumber: [e164],
};
