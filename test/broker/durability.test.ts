import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { kafkaFor, temporaryDataDir, waitFor } from './support/broker-fixture';
import { killChild, startChildBroker, type ChildBroker } from './support/child-broker';

const TOPIC = 'durable.events';

interface Stored {
  partition: number;
  offset: number;
  value: string;
}

async function produceAcknowledged(kafka: Kafka, count: number, prefix: string): Promise<Stored[]> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const acknowledged: Stored[] = [];
  for (let start = 0; start < count; start += 50) {
    const values = Array.from({ length: 50 }, (_, i) => `${prefix}-${start + i}`);
    // One partition per send, so the acknowledged base offset places every message exactly.
    const partition = (start / 50) % 2;
    const [result] = await producer.send({
      topic: TOPIC,
      acks: -1,
      messages: values.map((value) => ({ value, partition })),
    });
    values.forEach((value, i) =>
      acknowledged.push({ partition, offset: Number(result.baseOffset) + i, value }),
    );
  }
  await producer.disconnect();
  return acknowledged;
}

async function readAll(kafka: Kafka, expected: number): Promise<Stored[]> {
  const consumer = kafka.consumer({ groupId: `reader-${Date.now()}`, maxWaitTimeInMs: 100 });
  const stored: Stored[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      stored.push({ partition, offset: Number(message.offset), value: message.value!.toString() });
    },
  });
  await waitFor(() => stored.length >= expected, `${expected} stored messages`);
  await consumer.disconnect();
  return stored.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

const byPosition = (messages: Stored[]) =>
  [...messages].sort((a, b) => a.partition - b.partition || a.offset - b.offset);

describe('embedded broker durability', () => {
  let child: ChildBroker | undefined;
  let dataDir: string | undefined;

  afterEach(async () => {
    if (child) await killChild(child.process, 'SIGKILL');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    child = undefined;
    dataDir = undefined;
  });

  it('keeps every acknowledged message at its offset across SIGKILL, and truncates a torn write', async () => {
    dataDir = temporaryDataDir();
    child = await startChildBroker(dataDir);
    const admin = kafkaFor(child.bootstrap).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2 }] });
    await admin.disconnect();
    const acknowledged = await produceAcknowledged(kafkaFor(child.bootstrap), 1000, 'before');

    await killChild(child.process, 'SIGKILL');
    // Simulate a write torn by the crash: half a batch header, then garbage, after the last batch.
    const segment = path.join(dataDir, 'topics', TOPIC, '0', '00000000000000000000.log');
    const intactSize = fs.statSync(segment).size;
    fs.appendFileSync(
      segment,
      Buffer.concat([fs.readFileSync(segment).subarray(0, 30), Buffer.from('torn!')]),
    );

    child = await startChildBroker(dataDir);
    const kafka = kafkaFor(child.bootstrap);
    expect(fs.statSync(segment).size).toBe(intactSize);
    expect(await readAll(kafka, 1000)).toEqual(byPosition(acknowledged));

    // The log continues right after the last intact batch.
    const more = await produceAcknowledged(kafka, 100, 'after');
    expect(more[0]).toEqual({ partition: 0, offset: 500, value: 'after-0' });
    expect(await readAll(kafka, 1100)).toEqual(byPosition([...acknowledged, ...more]));
  });
});
