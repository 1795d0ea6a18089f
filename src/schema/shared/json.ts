/** JSON that Twilio keeps as text (Chat `attributes`, Proxy interaction `data`). */

/** The text parsed, served as `JSON`; the text itself when it is not JSON, and null when there is none. */
export function parseJsonText(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
