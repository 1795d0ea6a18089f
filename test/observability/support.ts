/**
 * A gateway with observability on, over the usual harness (emulator and
 * gateway on loopback port 0), and its metrics listener on a port of its own.
 * Disposable: `await using env = await startObservedGateway(...)`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGateway, type GatewayEnv } from '../support/harness.ts';
import { Observability, metricsListener, type ObservabilityOptions } from '../../src/observability/index.ts';
import type { EmulatorOptions } from '../../src/emulator/server.ts';
import type { GatewayOptions } from '../../src/gateway.ts';
import type { TwilioTransportOptions } from '../../src/twilio/client.ts';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';

export interface ObservedGateway extends GatewayEnv {
  observability: Observability;
  /** Origin of the metrics listener, e.g. http://127.0.0.1:53212; undefined without metrics. */
  metricsUrl: string | undefined;
  /** The scrape, as a scraper with the token (if any) gets it. */
  scrape(): Promise<string>;
}

export async function startObservedGateway(
  options: {
    observability?: ObservabilityOptions;
    metricsToken?: string | null;
    emulator?: EmulatorOptions;
    transport?: Omit<TwilioTransportOptions, 'baseUrl' | 'observer'>;
    gateway?: Partial<Omit<GatewayOptions, 'transport' | 'observability'>>;
  } = {},
): Promise<ObservedGateway> {
  const observability = new Observability(
    options.observability ?? { metrics: { configuredAccountSid: DEMO_ACCOUNT.accountSid, maxInFlightPerAccount: 100, defaultMetrics: false } },
  );
  const env = await startGateway({
    emulator: options.emulator,
    transport: { ...options.transport, observer: observability.restObserver },
    gateway: { ...options.gateway, observability },
  });
  let metricsServer: Server | undefined;
  let metricsUrl: string | undefined;
  try {
    if (observability.metrics) {
      metricsServer = createServer(metricsListener(observability.metrics, options.metricsToken ?? null));
      await new Promise<void>((resolve) => metricsServer!.listen(0, '127.0.0.1', resolve));
      metricsUrl = `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}`;
    }
  } catch (error) {
    await env.close();
    throw error;
  }
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      if (metricsServer) {
        metricsServer.closeAllConnections();
        await new Promise<void>((resolve) => metricsServer!.close(() => resolve()));
      }
      await env.close();
      await observability.shutdown();
    })());
  const scrape = async () => {
    if (!metricsUrl) throw new Error('this gateway has no metrics');
    const res = await fetch(`${metricsUrl}/metrics`, { headers: options.metricsToken ? { authorization: `Bearer ${options.metricsToken}` } : {} });
    if (res.status !== 200) throw new Error(`scrape answered ${res.status}: ${await res.text()}`);
    return res.text();
  };
  return { ...env, observability, metricsUrl, scrape, close, [Symbol.asyncDispose]: close };
}

/** The value of one series in a scrape (`name{a="1",b="2"}`), labels in any order; undefined when absent. */
export function sample(scrape: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of scrape.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) found[key!] = value!;
    if (Object.keys(labels).length !== Object.keys(found).length) continue;
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

/** Every value a label takes across the series of a metric. */
export function labelValues(scrape: string, name: string, label: string): Set<string> {
  const values = new Set<string>();
  for (const line of scrape.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name}_bucket{`) && !line.startsWith(`${name}_count{`)) continue;
    const value = new RegExp(`[{,]${label}="((?:[^"\\\\]|\\\\.)*)"`).exec(line)?.[1];
    if (value !== undefined) values.add(value);
  }
  return values;
}
