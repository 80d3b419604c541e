import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, prometheusSample, startTestStack } from './index';

const localServer = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/strata';

async function databaseExists(name: string): Promise<boolean> {
  const client = new Client({ connectionString: localServer });
  await client.connect();
  try {
    return ((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

describe('createTestDatabase', () => {
  it('creates a fresh database and drops it, even with a connection left open', async () => {
    const database = await createTestDatabase({ serverUrl: localServer, label: 'Own-DB' });
    expect(database.name).toMatch(/^strata_test_own_db_[0-9a-f]{10}$/);
    expect(new URL(database.url).pathname).toBe(`/${database.name}`);
    const forgotten = new Client({ connectionString: database.url });
    await forgotten.connect();
    forgotten.on('error', () => undefined); // the forced drop terminates it
    await database.drop();
    await database.drop();
    expect(await databaseExists(database.name)).toBe(false);
  });
});

describe('startTestStack with an external cluster', () => {
  const env = {
    STRATA_KAFKA_BROKERS: 'kafka-1.example:9092,kafka-2.example:9092',
    STRATA_SCHEMA_REGISTRY_URL: 'http://registry.example:8081',
    DATABASE_URL: localServer,
  };

  it('uses the given brokers and registry, and a database of its own on the given server', async () => {
    const stack = await startTestStack({ env, label: 'external' });
    try {
      expect(stack).toMatchObject({
        brokers: ['kafka-1.example:9092', 'kafka-2.example:9092'],
        registryUrl: 'http://registry.example:8081',
        kafka: 'external',
        registry: 'external',
      });
      const database = new URL(stack.databaseUrl).pathname.slice(1);
      expect(database).toMatch(/^strata_test_external_/);
      expect(await databaseExists(database)).toBe(true);
      await stack.stop();
      expect(await databaseExists(database)).toBe(false);
    } finally {
      await stack.stop();
    }
  });

  it('gives each stack its own names for groups, subjects and namespaces', async () => {
    const [first, second] = await Promise.all([startTestStack({ env }), startTestStack({ env })]);
    try {
      expect(first.uniqueName('projector')).toMatch(/^projector-[0-9a-f]{8}$/);
      expect(first.uniqueName('projector')).not.toBe(second.uniqueName('projector'));
      expect(first.databaseUrl).not.toBe(second.databaseUrl);
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  it('rejects an invalid environment naming the variable', async () => {
    await expect(startTestStack({ env: { ...env, STRATA_KAFKA_BROKERS: 'no-port' } })).rejects.toThrow(
      /STRATA_KAFKA_BROKERS/,
    );
  });
});

describe('startTestStack without an external cluster', () => {
  it('embeds a broker and a registry of its own, reachable by ordinary clients', async () => {
    const stack = await startTestStack({ env: { DATABASE_URL: localServer }, label: 'embedded' });
    try {
      expect(stack).toMatchObject({ kafka: 'embedded', registry: 'embedded' });
      const admin = new Kafka({
        brokers: stack.brokers,
        clientId: 'stack-test',
        logLevel: logLevel.NOTHING,
      }).admin();
      await admin.connect();
      expect((await admin.describeCluster()).brokers).toHaveLength(1);
      await admin.disconnect();
      expect((await fetch(`${stack.registryUrl}/subjects`)).status).toBe(200);
      expect(await databaseExists(new URL(stack.databaseUrl).pathname.slice(1))).toBe(true);
    } finally {
      await stack.stop();
    }
    await expect(fetch(`${stack.registryUrl}/subjects`)).rejects.toThrow();
  });
});

describe('prometheusSample', () => {
  const exposition = [
    '# HELP strata_consumer_lag Events behind',
    '# TYPE strata_consumer_lag gauge',
    'strata_consumer_lag{topic="strata.items",partition="0",projection="labels",service="projector"} 3',
    'strata_consumer_lag{service="projector",projection="labels",partition="1",topic="strata.items"} 4',
    'strata_consumer_lag{topic="strata.runs",partition="0",projection="lineage",service="projector"} 9',
    'process_cpu_seconds_total 1.5',
  ].join('\n');

  it('matches labels in any order and sums the matching series', () => {
    expect(
      prometheusSample(exposition, 'strata_consumer_lag', { partition: '1', topic: 'strata.items' }),
    ).toBe(4);
    expect(prometheusSample(exposition, 'strata_consumer_lag', { projection: 'labels' })).toBe(7);
    expect(prometheusSample(exposition, 'process_cpu_seconds_total')).toBe(1.5);
  });

  it('is undefined when no series matches', () => {
    expect(prometheusSample(exposition, 'strata_consumer_lag', { projection: 'nope' })).toBeUndefined();
    expect(prometheusSample(exposition, 'strata_consumer')).toBeUndefined();
  });
});
