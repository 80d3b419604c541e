import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('defaults to the embedded stack and the local PostgreSQL', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      kafkaBrokers: undefined,
      schemaRegistryUrl: undefined,
      databaseUrl: 'postgres://postgres@127.0.0.1:5432/strata',
      dataDir: '.strata',
      kafkaPort: 9092,
      registryPort: 8081,
      apiPort: 3000,
      gatewayPort: 3001,
    });
  });

  it('reads external brokers and registry from the environment', () => {
    const config = loadConfig({
      STRATA_KAFKA_BROKERS: 'kafka-1:9092, kafka-2:9092',
      STRATA_SCHEMA_REGISTRY_URL: 'http://registry:8081',
    });
    expect(config.kafkaBrokers).toEqual(['kafka-1:9092', 'kafka-2:9092']);
    expect(config.schemaRegistryUrl).toBe('http://registry:8081');
  });

  it('lets flag overrides win over the environment', () => {
    const config = loadConfig({ STRATA_API_PORT: '4000' }, { STRATA_API_PORT: '5000' });
    expect(config.apiPort).toBe(5000);
  });

  it.each([
    [{ DATABASE_URL: 'not-a-url' }, /DATABASE_URL/],
    [{ DATABASE_URL: 'mysql://x@y/z' }, /DATABASE_URL must use postgres/],
    [{ STRATA_KAFKA_PORT: 'abc' }, /STRATA_KAFKA_PORT must be a port number/],
    [{ STRATA_API_PORT: '70000' }, /STRATA_API_PORT/],
    [{ STRATA_KAFKA_BROKERS: 'no-port' }, /STRATA_KAFKA_BROKERS/],
    [{ STRATA_SCHEMA_REGISTRY_URL: 'ftp://x' }, /STRATA_SCHEMA_REGISTRY_URL/],
    [{ STRATA_LOG_LEVEL: 'loud' }, /STRATA_LOG_LEVEL/],
  ])('rejects %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
