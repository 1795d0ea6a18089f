/** Small helpers shared by the limits tests. */
import type { GatewayEnv } from '../support/harness.ts';
import { twilioFetch } from '../emulator/helpers.ts';

/** The SID of the demo data's "Acme Support" Chat service; `auth` for an emulator with other credentials. */
export async function supportServiceSid(env: GatewayEnv, auth?: string): Promise<string> {
  const services = await twilioFetch(env.emulator, 'GET', '/v2/Services', undefined, auth ? { auth } : {});
  const sid = services.body.services.find((s: { friendly_name: string }) => s.friendly_name === 'Acme Support')?.sid;
  if (!sid) throw new Error('the demo data has no Acme Support service');
  return sid;
}

/** Polls `condition` every 5 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 3_000, what = 'a condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** `Authorization: Basic` for a user name and secret. */
export function basic(user: string, secret: string): string {
  return 'Basic ' + Buffer.from(`${user}:${secret}`).toString('base64');
}
