/**
 * Signed cursors. A cursor is `<contents>.<signature>`, both base64url: the
 * signature is HMAC-SHA256 over the contents and the identity of the list that
 * gave it, cut to 128 bits (22 characters) to keep cursors short. A cursor from
 * another list, altered, or not made by a gateway holding the same key fails
 * the check, so it is refused before any REST call.
 *
 * The key is `CURSOR_SECRET` when configured, so every replica accepts every
 * other's cursors; without it, a random key made once per process, and cursors
 * then stop working when the process restarts.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const SIGNATURE_BYTES = 16;

/** Made on first use, when a gateway has no configured secret. */
let processKey: Buffer | undefined;

/** Signs and checks the cursors of one list. */
export interface ListCursors {
  /** `contents` (any text) with its signature, as one opaque cursor. */
  seal(contents: string): string;
  /** The contents of a cursor this list sealed; undefined for any other text. */
  open(cursor: string): string | undefined;
}

export class CursorSigner {
  readonly #key: Buffer;

  /** `secret`: CURSOR_SECRET; without one, the process's random key. */
  constructor(secret?: string | null) {
    this.#key = secret ? Buffer.from(secret) : (processKey ??= randomBytes(32));
  }

  /** The cursors of the list `identity` names (its account, REST path and filters). */
  forList(identity: string): ListCursors {
    const sign = (contents: string) => createHmac('sha256', this.#key).update(identity).update('\n').update(contents).digest().subarray(0, SIGNATURE_BYTES);
    return {
      seal: (contents) => {
        const encoded = Buffer.from(contents).toString('base64url');
        return `${encoded}.${sign(encoded).toString('base64url')}`;
      },
      open: (cursor) => {
        const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{22})$/.exec(cursor);
        if (!match) return undefined;
        const [, encoded, signature] = match as unknown as [string, string, string];
        // Compared as text, since several texts decode to the same bytes; in constant time, so it cannot be found character by character.
        if (!timingSafeEqual(Buffer.from(signature), Buffer.from(sign(encoded).toString('base64url')))) return undefined;
        return Buffer.from(encoded, 'base64url').toString();
      },
    };
  }

  /** Never shows the key. */
  toJSON(): Record<string, never> {
    return {};
  }
}
