import { createKnex } from '@strata/database';
import { createKafka } from '@strata/kafka';
import {
  kafkaConsumerLagSource,
  kafkaReadinessCheck,
  Observability,
  postgresReadinessCheck,
  schemaRegistryReadinessCheck,
  startObservabilityServer,
  type ProjectionPosition,
  type RunningObservabilityServer,
} from '@strata/observability';
import { prometheusSample, startTestStack, type TestStack } from '@strata/testing';
import type { Knex } from 'knex';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * /health and /metrics against the embedded stack (or the external one startTestStack was given),
 * with a stand-in projector: a kafkajs consumer whose "checkpoint" is the next offset it has seen.
 */

const logger = pino({ level: process.env.STRATA_TEST_LOG_LEVEL ?? 'silent' });

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('health and metrics on the stack', () => {
  let stack: TestStack;
  let knex: Knex;
  let observability: Observability;
  let server: RunningObservabilityServer;
  let topic: string;
  const positions = new Map<number, ProjectionPosition>();

  beforeAll(async () => {
    stack = await startTestStack({ label: 'observability' });
    knex = createKnex(stack.databaseUrl, { max: 2 });
    const kafka = createKafka({ brokers: stack.brokers, clientId: 'observability-test', logger });
    topic = stack.uniqueName('test.lag');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
    });
    await admin.disconnect();

    observability = new Observability({
      service: 'projector',
      checks: [
        kafkaReadinessCheck(kafka),
        schemaRegistryReadinessCheck(stack.registryUrl),
        postgresReadinessCheck(knex),
      ],
      logger,
    });
    observability.metrics.watchConsumerLag(
      kafkaConsumerLagSource({
        kafka,
        projection: 'stand-in',
        topics: [topic],
        readPositions: async () => [...positions.values()],
      }),
    );
    server = await startObservabilityServer(observability, { port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server?.close();
    await observability?.close();
    await knex?.destroy();
    await stack?.stop();
  });

  const lag = async () =>
    prometheusSample(await (await fetch(`${server.url}/metrics`)).text(), 'strata_consumer_lag', { topic });

  it('is ready when Kafka, the registry and PostgreSQL answer', async () => {
    const response = await fetch(`${server.url}/health/ready`);
    const report = await response.json();
    expect(report).toMatchObject({
      status: 'ready',
      checks: { kafka: { status: 'up' }, schemaRegistry: { status: 'up' }, postgres: { status: 'up' } },
    });
    expect(response.status).toBe(200);
  });

  it('shows the lag rise when events are produced and return to 0 once they are consumed', async () => {
    expect(await lag()).toBe(0);

    const kafka = createKafka({ brokers: stack.brokers, clientId: 'observability-test-producer', logger });
    const producer = kafka.producer({ idempotent: true });
    await producer.connect();
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 30 }, (_, index) => ({ key: `item-${index}`, value: `event ${index}` })),
    });
    await producer.disconnect();
    expect(await lag()).toBe(30);

    const consumer = kafka.consumer({ groupId: stack.uniqueName('stand-in-projector') });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        positions.set(partition, { topic, partition, nextOffset: Number(message.offset) + 1 });
      },
    });
    try {
      expect(await until(lag, (value) => value === 0)).toBe(0);
    } finally {
      await consumer.disconnect();
    }
  });
});
