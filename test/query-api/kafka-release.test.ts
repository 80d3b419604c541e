import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventSerde } from '@strata/contracts';
import { createKafka, Topics } from '@strata/kafka';
import { startTestStack, type TestStack } from '@strata/testing';
import { KafkaLogOffsets } from '../../apps/query-api/src/kafka/kafka-log-offsets';
import { SdkReleasePublisher } from '../../apps/query-api/src/kafka/sdk-release-publisher';
import type { Release } from '../../apps/query-api/src/domain/lineage';

const logger = pino({ level: process.env.STRATA_TEST_LOG_LEVEL ?? 'silent' });
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ label: 'qapi_kafka', logger });
  const admin = createKafka({ brokers: stack.brokers, clientId: 'test', logger }).admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: Topics.items, numPartitions: 2 },
      { topic: Topics.runs, numPartitions: 1 },
      { topic: Topics.snapshots, numPartitions: 1 },
    ],
  });
  await admin.disconnect();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('releases on Kafka', () => {
  it('publishes SnapshotFrozen through the SDK, decodable with the registry', async () => {
    const publisher = new SdkReleasePublisher({
      brokers: stack.brokers,
      registryUrl: stack.registryUrl,
      logger,
    });
    const release: Release = {
      snapshotId: randomUUID(),
      name: 'pets-v1',
      namespace: 'vision',
      dataset: 'pets',
      task: null,
      strategy: 'majority:class',
      offsets: [{ topic: Topics.items, partition: 0, offset: 12 }],
      asOfTime: '2026-01-01T00:00:00.000Z',
      manifestSha256: 'ab'.repeat(32),
      itemCount: 4,
      labelCount: 5,
      createdAt: '2026-01-02T00:00:00.000Z',
    };
    try {
      await publisher.publish(release);
    } finally {
      await publisher.close();
    }
    const consumer = createKafka({ brokers: stack.brokers, clientId: 'test', logger }).consumer({
      groupId: stack.uniqueName('qapi'),
    });
    await consumer.connect();
    await consumer.subscribe({ topic: Topics.snapshots, fromBeginning: true });
    const serde = new EventSerde({ registryUrl: stack.registryUrl });
    const decoded = await new Promise<unknown>((resolve, reject) => {
      consumer
        .run({ eachMessage: async ({ message }) => resolve(await serde.decode(message.value!)) })
        .catch(reject);
    });
    await consumer.disconnect();
    expect(decoded).toMatchObject({
      type: 'SnapshotFrozen',
      event: {
        snapshotId: release.snapshotId,
        name: 'pets-v1',
        strategy: 'majority:class',
        offsets: release.offsets,
        asOfTime: Date.parse('2026-01-01T00:00:00Z'),
        manifestSha256: release.manifestSha256,
        itemCount: 4,
        labelCount: 5,
        envelope: {
          eventTime: Date.parse(release.createdAt),
          namespace: 'vision',
          actor: { kind: 'SERVICE' },
        },
      },
    });
  });

  it('resolves a time to the first offset at or after it, per partition (ListOffsets)', async () => {
    const producer = createKafka({ brokers: stack.brokers, clientId: 'test', logger }).producer();
    await producer.connect();
    const base = Date.parse('2026-03-01T00:00:00Z');
    await producer.send({
      topic: Topics.items,
      messages: [0, 1, 2].map((index) => ({
        partition: 0,
        value: 'x',
        timestamp: String(base + index * 1000),
      })),
    });
    await producer.disconnect();
    const logOffsets = new KafkaLogOffsets(createKafka({ brokers: stack.brokers, clientId: 'test', logger }));
    try {
      const offsets = await logOffsets.offsetsAtTime([Topics.items], new Date(base + 1500));
      expect(offsets.sort((a, b) => a.partition - b.partition)).toEqual([
        { topic: Topics.items, partition: 0, offset: 2 },
        { topic: Topics.items, partition: 1, offset: 0 },
      ]);
    } finally {
      await logOffsets.close();
    }
  });
});
