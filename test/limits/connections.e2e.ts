/**
 * `MAX_CONNECTIONS` bounds the sockets the GraphQL port holds at once,
 * whatever they ask for (or do not): idle sockets that never send a request
 * cannot crowd out more than that, and one closes to let the next in.
 */
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMainProcess, type MainProcess } from '../support/main-process.ts';

const CAP = 3;
let main: MainProcess;
const sockets: Socket[] = [];

beforeAll(async () => {
  main = await startMainProcess({ MAX_CONNECTIONS: String(CAP) });
}, 30_000);
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await main?.stop();
});

/** A socket to the gateway's port that sends nothing, and resolves once the connection is made. */
async function idleSocket(): Promise<Socket> {
  const { hostname, port } = new URL(main.origin);
  const socket = connect(Number(port), hostname);
  sockets.push(socket);
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return socket;
}

/** Whether the server closes `socket` within `ms`. */
async function closedWithin(socket: Socket, ms: number): Promise<boolean> {
  if (socket.closed) return true;
  const timer = new Promise<false>((resolve) => setTimeout(() => resolve(false), ms));
  return Promise.race([once(socket, 'close').then(() => true), timer]);
}

describe('MAX_CONNECTIONS', () => {
  it('closes the connections past the cap as they come, and lets one in when another closes', async () => {
    const held = [];
    for (let i = 0; i < CAP; i++) held.push(await idleSocket());
    const extra = await idleSocket();
    expect(await closedWithin(extra, 2_000)).toBe(true);
    for (const socket of held) expect(socket.closed).toBe(false);

    held[0]!.destroy();
    await expect
      .poll(
        async () => {
          try {
            return (await fetch(`${main.origin}/healthz`)).status;
          } catch {
            return 0;
          }
        },
        { timeout: 5_000, interval: 50 },
      )
      .toBe(200);
  });
});
