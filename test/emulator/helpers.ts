/** Small helpers for talking to the emulator over real HTTP as a Twilio client would. */
import { expect } from 'vitest';
import type { Emulator } from '../../src/emulator/server.ts';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';

export type Form = Record<string, string | number | boolean | Array<string | number | boolean> | undefined>;

export interface TwilioResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export function basicAuth(user: string = DEMO_ACCOUNT.accountSid, password: string = DEMO_ACCOUNT.authToken): string {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

/** Encodes a form the way Twilio's helper libraries do: arrays as repeated keys. */
export function encodeForm(form: Form): URLSearchParams {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(form)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) body.append(key, String(v));
  }
  return body;
}

/** Calls the emulator; `path` may carry a query string. Resolves with status and parsed JSON body (null when empty). */
export async function twilioFetch<T = any>(
  emu: Pick<Emulator, 'url'>,
  method: string,
  path: string,
  form?: Form,
  options: { auth?: string; headers?: Record<string, string> } = {},
): Promise<TwilioResponse<T>> {
  const res = await fetch(emu.url + path, {
    method,
    headers: {
      authorization: options.auth ?? basicAuth(),
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...options.headers,
    },
    body: form ? encodeForm(form) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
}

/** POSTs a form that must create a resource: fails showing the answer's body unless it is 201, and resolves with the body. */
export async function created<T = any>(emu: Pick<Emulator, 'url'>, path: string, form?: Form): Promise<T> {
  const res = await twilioFetch<T>(emu, 'POST', path, form);
  expect(res.status, `POST ${path}: ${JSON.stringify(res.body)}`).toBe(201);
  return res.body;
}
