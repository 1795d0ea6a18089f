/**
 * A running gateway on a running emulator, both on loopback port 0, for
 * end-to-end tests over real HTTP. Disposable: `await using env = await startGateway()`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { print } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/server.ts';
import { DEMO_ACCOUNT } from '../../src/emulator/accounts.ts';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/gateway.ts';
import { TwilioTransport, type TwilioTransportOptions } from '../../src/twilio/client.ts';
import { answerClientError } from '../../src/limits/error-codes.ts';
import { DEFAULT_DOCUMENT_LIMITS } from '../../src/limits/document.ts';
import { serveGraphqlWs, type GraphqlWsOptions, type GraphqlWsServer } from '../../src/graphql-ws.ts';

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, any> }>;
  extensions?: Record<string, any>;
}

/**
 * Every answer any test receives checks the cost model: the REST calls a
 * request made (first attempts) are never more than it predicted before it ran.
 */
export function checkCostPrediction(body: Omit<GraphQLResponse, 'status'>): void {
  const cost = body.extensions?.cost;
  if (!cost) return;
  const firstAttempts = cost.restCalls - (cost.retries ?? 0);
  if (firstAttempts > cost.predictedRestCalls) {
    throw new Error(
      `The cost model predicted ${cost.predictedRestCalls} REST calls, but the request made ${firstAttempts}: ${JSON.stringify(body).slice(0, 500)}`,
    );
  }
}

export interface GatewayEnv {
  emulator: Emulator;
  gateway: Gateway;
  /** Origin of the gateway, e.g. http://127.0.0.1:53211. */
  url: string;
  transport: TwilioTransport;
  /** graphql-ws on the gateway's port, path /graphql. */
  websockets: GraphqlWsServer;
  /** POSTs a GraphQL operation to /graphql. */
  query<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GraphQLResponse<T>>;
  /** Runs a typed document from test/generated/ (see codegen.ts): data and variables are typed. */
  run<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: NoInfer<TVariables>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<TResult>>;
  /** REST calls the emulator served since the last reset, per operation. */
  calls(): Record<string, number>;
  /** Total REST calls the emulator served since the last reset. */
  totalCalls(): number;
  resetCalls(): void;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startGateway(
  options: {
    emulator?: EmulatorOptions;
    transport?: Omit<TwilioTransportOptions, 'baseUrl'>;
    gateway?: Partial<Omit<GatewayOptions, 'transport'>>;
    websockets?: Partial<Pick<GraphqlWsOptions, 'connectionInitTimeoutMs' | 'keepAliveMs' | 'corsOrigins'>>;
    /** Start on this emulator instead of a new one (several gateways on one emulator); it is not closed with the gateway. */
    sharedEmulator?: Emulator;
  } = {},
): Promise<GatewayEnv> {
  const emulator = options.sharedEmulator ?? (await createEmulator({ port: 0, seed: 'demo', ...options.emulator }));
  const transport = new TwilioTransport({ baseUrl: emulator.url, env: {}, keepAliveTimeoutMs: 10, ...options.transport });
  const gateway = createGateway({
    transport,
    credentials: { accountSid: DEMO_ACCOUNT.accountSid, authToken: DEMO_ACCOUNT.authToken },
    logging: false,
    // Compiled from the first execution, so every end-to-end query runs the way a repeated one does in production.
    compiledExecution: { compileAfter: 1 },
    ...options.gateway,
  });
  const server: Server = createServer(gateway);
  server.on('clientError', answerClientError);
  const websockets = serveGraphqlWs(server, {
    gateway,
    transport,
    credentials:
      options.gateway?.credentials === undefined ? { accountSid: DEMO_ACCOUNT.accountSid, authToken: DEMO_ACCOUNT.authToken } : options.gateway.credentials,
    limits: { ...DEFAULT_DOCUMENT_LIMITS, ...options.gateway?.documentLimits },
    connectionInitTimeoutMs: 5_000,
    keepAliveMs: 12_000,
    ...options.websockets,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      gateway.subscriptions.closeAll();
      await websockets.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await transport.close();
      await gateway.live.close();
      await gateway.responseCache?.close();
      if (!options.sharedEmulator) await emulator.close();
    })());
  const query: GatewayEnv['query'] = async (query, variables, headers) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as Omit<GraphQLResponse, 'status'>;
    checkCostPrediction(body);
    return { status: res.status, ...body };
  };
  return {
    emulator,
    gateway,
    url,
    transport,
    websockets,
    query,
    run: (document, variables, headers) => query(print(document), variables as Record<string, unknown>, headers),
    calls: () => emulator.stats().operations,
    totalCalls: () => emulator.stats().total,
    resetCalls: () => emulator.resetStats(),
    close,
    [Symbol.asyncDispose]: close,
  };
}
