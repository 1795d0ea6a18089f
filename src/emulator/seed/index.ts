/**
 * The deterministic demo data set loaded by `--seed demo`: every run makes the
 * same SIDs, names and dates, so examples in the README and tests stay true.
 * Everything is created through the same operations a client would call, so
 * the data obeys the same rules as data created over HTTP.
 */
import type { Engine } from '../engine.ts';
import { Seeder } from './seeder.ts';
import { seedChat } from './chat.ts';
import { seedProxy } from './proxy.ts';
import { seedEvents } from './events.ts';
import { seedAccounts } from './accounts.ts';

/** Loads the demo data set into one account. */
export function seedDemo(engine: Engine, accountSid: string): void {
  const seeder = new Seeder(engine, accountSid);
  // SIDs follow creation order: Chat goes first so that its SIDs stay put when the other products' data changes.
  const chat = seedChat(seeder);
  seedProxy(seeder, { supportChat: chat.support });
  seedEvents(seeder);
  seedAccounts(seeder);
}
