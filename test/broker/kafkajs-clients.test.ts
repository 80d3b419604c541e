import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressionTypes, type Consumer, type EachMessagePayload, type Kafka, type Producer } from 'kafkajs';
import { startTestBroker, waitFor, type TestBroker } from './support/broker-fixture';

interface Received {
  partition: number;
  offset: number;
  value: string;
}

/** A consumer tuned for tests: short polls so heartbeats (sent from the fetch loop) come often. */
function testConsumer(kafka: Kafka, groupId: string): Consumer {
  return kafka.consumer({ groupId, maxWaitTimeInMs: 100, heartbeatInterval: 200, sessionTimeout: 10_000 });
}

async function consumeInto(consumer: Consumer, topic: string, received: Received[]): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }: EachMessagePayload) => {
      received.push({ partition, offset: Number(message.offset), value: message.value!.toString() });
    },
  });
}

describe('embedded broker with kafkajs producers and consumers', () => {
  let fixture: TestBroker;
  let producer: Producer;

  beforeAll(async () => {
    fixture = await startTestBroker();
    producer = fixture.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await fixture.cleanup();
  });

  it('stores gzip batches from an idempotent acks=-1 producer and serves them back intact', async () => {
    const admin = fixture.kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'clients.gzip', numPartitions: 2 }] });
    await admin.disconnect();
    const messages = Array.from({ length: 200 }, (_, i) => ({
      key: `key-${i % 7}`,
      value: `value-${i}`,
      headers: { index: String(i) },
    }));
    const results = await producer.send({
      topic: 'clients.gzip',
      acks: -1,
      compression: CompressionTypes.GZIP,
      messages,
    });
    expect(results.every((result) => result.errorCode === 0)).toBe(true);

    const consumer = testConsumer(fixture.kafka, 'gzip-readers');
    const received: (Received & { key: string; header: string })[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: 'clients.gzip', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        received.push({
          partition,
          offset: Number(message.offset),
          value: message.value!.toString(),
          key: message.key!.toString(),
          header: message.headers!.index!.toString(),
        });
      },
    });
    await waitFor(() => received.length >= 200, '200 gzip messages');
    await consumer.disconnect();
    expect(received.map((message) => message.value).sort()).toEqual(
      messages.map((message) => message.value).sort(),
    );
    expect(received.every((message) => message.value === `value-${message.header}`)).toBe(true);
    // Each partition's offsets are dense from 0: nothing lost, nothing doubled.
    for (const partition of [0, 1]) {
      const offsets = received
        .filter((message) => message.partition === partition)
        .map((message) => message.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
  });

  it('splits partitions between two group members and hands them all to the survivor', async () => {
    const topic = 'clients.split';
    const admin = fixture.kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
    await admin.disconnect();

    const assignments = new Map<Consumer, number[]>();
    const receivedBy = new Map<Consumer, Received[]>();
    const [first, second] = [
      testConsumer(fixture.kafka, 'splitters'),
      testConsumer(fixture.kafka, 'splitters'),
    ];
    for (const consumer of [first, second]) {
      receivedBy.set(consumer, []);
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        assignments.set(consumer, event.payload.memberAssignment[topic] ?? []);
      });
    }
    await Promise.all(
      [first, second].map((consumer) => consumeInto(consumer, topic, receivedBy.get(consumer)!)),
    );

    const split = () => {
      const [a, b] = [assignments.get(first) ?? [], assignments.get(second) ?? []];
      return a.length > 0 && b.length > 0 && [...a, ...b].sort().join() === '0,1,2,3';
    };
    await waitFor(split, 'both members to own disjoint halves of the partitions');

    const send = (from: number) =>
      producer.send({
        topic,
        messages: Array.from({ length: 40 }, (_, i) => ({ value: `m${from + i}`, partition: i % 4 })),
      });
    await send(0);
    const values = (consumer: Consumer) => receivedBy.get(consumer)!.map((message) => message.value);
    await waitFor(() => new Set([...values(first), ...values(second)]).size === 40, 'the first 40 messages');
    expect(values(first).length).toBeGreaterThan(0);
    expect(values(second).length).toBeGreaterThan(0);

    await second.disconnect();
    await waitFor(() => (assignments.get(first) ?? []).length === 4, 'the survivor to own every partition');
    await send(40);
    await waitFor(
      () => values(first).filter((value) => Number(value.slice(1)) >= 40).length >= 40,
      'the next 40',
    );
    await first.disconnect();
  });

  it('seeks back to an earlier offset', async () => {
    const topic = 'clients.seek';
    await producer.send({
      topic,
      messages: Array.from({ length: 10 }, (_, i) => ({ value: `s${i}`, partition: 0 })),
    });
    const consumer = testConsumer(fixture.kafka, 'seekers');
    const received: Received[] = [];
    await consumeInto(consumer, topic, received);
    await waitFor(() => received.length === 10, 'the first pass');
    consumer.seek({ topic, partition: 0, offset: '6' });
    await waitFor(() => received.length === 14, 'the replay after the seek');
    await consumer.disconnect();
    expect(received.slice(10).map((message) => message.offset)).toEqual([6, 7, 8, 9]);
  });

  it('resumes from committed offsets after the consumer and then the broker restart', async () => {
    const topic = 'clients.resume';
    const sendBatch = (from: number) =>
      producer.send({
        topic,
        messages: Array.from({ length: 10 }, (_, i) => ({ value: `r${from + i}`, partition: 0 })),
      });
    const runOnce = async (kafka: Kafka, expected: number) => {
      const consumer = testConsumer(kafka, 'resumers');
      const received: Received[] = [];
      await consumeInto(consumer, topic, received);
      await waitFor(() => received.length >= expected, `${expected} messages`);
      await consumer.disconnect(); // commits what was consumed
      return received.map((message) => message.offset);
    };

    await sendBatch(0);
    expect(await runOnce(fixture.kafka, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await sendBatch(10);
    expect(await runOnce(fixture.kafka, 10)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);

    await producer.disconnect();
    await fixture.restart();
    await producer.connect();
    await sendBatch(20);
    expect(await runOnce(fixture.kafka, 10)).toEqual([20, 21, 22, 23, 24, 25, 26, 27, 28, 29]);
  });
});
