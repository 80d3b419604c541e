import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '@strata/kafka-broker';
import { EmbeddedRegistry } from '@strata/schema-registry';
import { Topics } from '@strata/kafka';
import { createTestDatabase, type TestDatabase, type TestStack } from '@strata/testing';
import { recordCount } from '../sdk/support/topic-reader';
import { labelCreated, logger, startGatewayFixture, type GatewayFixture } from './support/gateway-fixture';

/**
 * The gateway's broker is stopped under it: requests get 503 and nothing is written. Needs a broker of
 * its own (not the shared test stack's) so it can be stopped and started again on the same data.
 */
let dataDir: string;
let database: TestDatabase;
let broker: { bootstrap: string; stop(): Promise<void> };
let registry: { url: string; stop(): Promise<void> };
let fixture: GatewayFixture;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'strata-broker-down-'));
  database = await createTestDatabase({ label: 'gateway_broker_down' });
  broker = await EmbeddedBroker.start({ port: 0, dataDir, logger });
  registry = await EmbeddedRegistry.start({ port: 0, brokers: [broker.bootstrap], logger });
  const stack: TestStack = {
    brokers: [broker.bootstrap],
    registryUrl: registry.url,
    databaseUrl: database.url,
    kafka: 'embedded',
    registry: 'embedded',
    uniqueName: (base) => base,
    stop: async () => undefined,
  };
  fixture = await startGatewayFixture('gateway_broker_down', { produceRetries: 2 }, stack);
});

afterAll(async () => {
  await fixture?.stop();
  await registry?.stop();
  await broker?.stop();
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('gateway with the broker down', () => {
  it('answers 503 with a clear message and writes nothing', async () => {
    // Registers the schemas and proves the path works before the broker goes away.
    expect((await fixture.post('/v1/events', [labelCreated()])).status).toBe(200);
    const before = await recordCount([broker.bootstrap], Topics.items, logger);

    // The gateway already holds the schema ids, so only Kafka is missing.
    await broker.stop();
    const response = await fixture.post('/v1/events', [labelCreated(), labelCreated()]);
    expect(response.status).toBe(503);
    expect(response.body.message).toMatch(/Kafka is unavailable/);
    expect(response.body.message).toMatch(/no event of this request was acknowledged/);

    broker = await EmbeddedBroker.start({ port: 0, dataDir, logger });
    expect(await recordCount([broker.bootstrap], Topics.items, logger)).toBe(before);
  });
});
