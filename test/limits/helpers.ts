/** Small helpers shared by the limits tests. */
import type { GatewayEnv } from '../support/harness.ts';
import { twilioFetch } from '../emulator/helpers.ts';
import { basic, until } from '../support/live.ts';

/** The SID of the demo data's "Acme Support" Chat service; `auth` for an emulator with other credentials. */
export async function supportServiceSid(env: GatewayEnv, auth?: string): Promise<string> {
  const services = await twilioFetch(env.emulator, 'GET', '/v2/Services', undefined, auth ? { auth } : {});
  const sid = services.body.services.find((s: { friendly_name: string }) => s.friendly_name === 'Acme Support')?.sid;
  if (!sid) throw new Error('the demo data has no Acme Support service');
  return sid;
}

/** Polls `condition` until it holds; fails after `timeoutMs` (`until` with these tests' argument order). */
export function waitFor(condition: () => boolean, timeoutMs = 3_000, what = 'a condition'): Promise<void> {
  return until(condition, what, timeoutMs);
}

export { basic };
