/** The observability variables: metrics listener, its token, the operation-name cap, and when traces are exported. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { observabilityConfig } from '../../src/observability/config.ts';

const read = (env: Record<string, string>) => observabilityConfig(env, '127.0.0.1');
const failure = (env: Record<string, string>) => {
  try {
    read(env);
  } catch (error) {
    if (error instanceof ConfigError) return { variable: error.variable, message: error.message };
    throw error;
  }
  throw new Error('no error');
};

describe('observability config', () => {
  it('serves metrics on 9464 of the gateway interface by default, with no token and no traces', () => {
    expect(read({})).toEqual({ metricsPort: 9464, metricsHost: '127.0.0.1', metricsToken: null, maxOperationNames: 100, tracing: null });
    expect(loadConfig({ HOST: '0.0.0.0' }).observability).toMatchObject({ metricsPort: 9464, metricsHost: '0.0.0.0' });
  });

  it('reads the metrics variables', () => {
    expect(read({ METRICS_PORT: '9100', METRICS_HOST: '10.0.0.5', METRICS_TOKEN: 'a'.repeat(16), METRICS_MAX_OPERATION_NAMES: '20' })).toMatchObject({
      metricsPort: 9100,
      metricsHost: '10.0.0.5',
      metricsToken: 'a'.repeat(16),
      maxOperationNames: 20,
    });
    expect(read({ METRICS_PORT: 'off' }).metricsPort).toBeNull();
    expect(read({ METRICS_PORT: '0', PORT: '0' }).metricsPort).toBe(0);
  });

  it('names the bad variable, and never shows the token', () => {
    expect(failure({ METRICS_PORT: 'metrics' }).variable).toBe('METRICS_PORT');
    expect(failure({ METRICS_PORT: '4000' })).toMatchObject({ variable: 'METRICS_PORT', message: expect.stringMatching(/differ from PORT/) });
    expect(failure({ METRICS_PORT: '8080', PORT: '8080' }).variable).toBe('METRICS_PORT');
    const short = failure({ METRICS_TOKEN: 'short-secret' });
    expect(short.variable).toBe('METRICS_TOKEN');
    expect(short.message).not.toContain('short-secret');
    expect(failure({ METRICS_TOKEN: 'has a space in it, long enough' }).variable).toBe('METRICS_TOKEN');
    expect(failure({ METRICS_MAX_OPERATION_NAMES: '0' }).variable).toBe('METRICS_MAX_OPERATION_NAMES');
  });

  it('exports traces only when an OTLP endpoint is named or otlp is asked for', () => {
    expect(read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing).toEqual({
      protocol: 'http/protobuf',
      endpoint: 'http://collector:4318/v1/traces',
    });
    expect(read({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otlp.example.com/v1/traces', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).tracing).toEqual({
      protocol: 'http/json',
      endpoint: 'https://otlp.example.com/v1/traces',
    });
    expect(read({ OTEL_TRACES_EXPORTER: 'otlp' }).tracing).toEqual({ protocol: 'http/protobuf', endpoint: 'http://localhost:4318/v1/traces' });
    expect(read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }).tracing).toBeNull();
    expect(read({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).tracing).toBeNull();
    expect(read({ OTEL_SERVICE_NAME: 'gateway' }).tracing).toBeNull();
  });

  it('refuses what it cannot export to', () => {
    expect(failure({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).variable).toBe('OTEL_EXPORTER_OTLP_PROTOCOL');
    expect(failure({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' }).variable).toBe(
      'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
    );
    expect(failure({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }).variable).toBe('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(failure({ OTEL_TRACES_EXPORTER: 'zipkin' }).variable).toBe('OTEL_TRACES_EXPORTER');
  });
});
