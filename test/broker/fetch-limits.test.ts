import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressionTypes, type IHeaders, type Producer } from 'kafkajs';
import { startTestBroker, waitFor, type TestBroker } from './support/broker-fixture';
import { RawConnection } from './support/raw-connection';

/* kafkajs's own Fetch v11 codec (no typings) is the oracle for what a client accepts on the wire. */
const requireFromRoot = createRequire(path.join(process.cwd(), 'package.json'));
const encodeFrame = requireFromRoot('kafkajs/src/protocol/request') as (request: {
  correlationId: number;
  clientId: string;
  request: object;
}) => Promise<{ buffer: Buffer }>;
const fetchV11 = requireFromRoot('kafkajs/src/protocol/requests/fetch/v11/request') as (
  request: object,
) => object;
const fetchV11Response = requireFromRoot('kafkajs/src/protocol/requests/fetch/v11/response') as {
  decode(body: Buffer): Promise<object>;
  parse(decoded: object): Promise<{
    responses: { partitions: { partition: number; messages: { offset: string; value: Buffer }[] }[] }[];
  }>;
};

const TOPIC = 'fetch.limits';

interface Sent {
  partition: number;
  offset: number;
  key: string | null;
  value: string;
  timestamp: string;
}

interface StoredBatch {
  baseOffset: number;
  lastOffset: number;
  size: number;
}

/**
 * The record sets of a Fetch v11 response (one topic), split into batches with this file's own
 * reading of the RecordBatch header: a set must consist of whole batches only.
 */
function recordSets(body: Buffer): StoredBatch[][] {
  let at = 4 + 2 + 4; // throttle_time, error_code, session_id
  expect(body.readInt32BE(at)).toBe(1); // one topic
  at += 4;
  at += 2 + body.readInt16BE(at); // topic name
  const partitionCount = body.readInt32BE(at);
  at += 4;
  const sets: StoredBatch[][] = [];
  for (let p = 0; p < partitionCount; p++) {
    at += 4 + 2 + 8 + 8 + 8; // partition, error, high watermark, last stable offset, log start offset
    at += 4 + 16 * body.readInt32BE(at); // aborted transactions
    at += 4; // preferred read replica
    const end = at + 4 + body.readInt32BE(at);
    at += 4;
    const batches: StoredBatch[] = [];
    while (at < end) {
      const baseOffset = Number(body.readBigInt64BE(at));
      const size = 12 + body.readInt32BE(at + 8);
      batches.push({ baseOffset, lastOffset: baseOffset + body.readInt32BE(at + 23), size });
      at += size;
    }
    expect(at, 'a record set ends exactly at a batch boundary').toBe(end);
    sets.push(batches);
  }
  return sets;
}

describe('fetching what many produce requests appended to one partition', () => {
  let fixture: TestBroker;
  let producer: Producer;
  const sent: Sent[] = [];
  const baseOffsets: string[] = [];

  async function send(
    partition: number,
    messages: { key: string | null; value: string; timestamp: number; headers?: IHeaders }[],
    compression = CompressionTypes.None,
  ): Promise<void> {
    const [result] = await producer.send({
      topic: TOPIC,
      acks: -1,
      compression,
      messages: messages.map((message) => ({ ...message, partition, timestamp: String(message.timestamp) })),
    });
    baseOffsets.push(`${partition}:${result.baseOffset}`);
    const firstOffset = Number(result.baseOffset);
    messages.forEach(({ key, value, timestamp }, i) =>
      sent.push({ partition, offset: firstOffset + i, key, value, timestamp: String(timestamp) }),
    );
  }

  beforeAll(async () => {
    fixture = await startTestBroker();
    const admin = fixture.kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 2 }] });
    await admin.disconnect();
    producer = fixture.kafka.producer();
    await producer.connect();

    // Separate sends of one record each, with different keys (one null) and unordered timestamps.
    await send(0, [{ key: 'a', value: 'first', timestamp: 1_000 }]);
    await send(0, [{ key: null, value: 'second', timestamp: 900, headers: { trace: 'x' } }]);
    await send(0, [{ key: 'c', value: 'third', timestamp: 1_100 }]);
    // Several records per send, uncompressed and gzip, timestamps falling within a batch.
    await send(
      0,
      [0, 1, 2, 3].map((i) => ({ key: i % 2 ? null : `k${i}`, value: `four-${i}`, timestamp: 5_000 - i })),
    );
    await send(
      0,
      [0, 1, 2].map((i) => ({ key: `g${i}`, value: `gzip-${i}`.repeat(20), timestamp: 6_000 + i })),
      CompressionTypes.GZIP,
    );
    // A batch larger than the broker's pass-through threshold for response chunks.
    await send(0, [{ key: 'big', value: 'b'.repeat(5_000), timestamp: 7_000 }]);
    await send(
      0,
      [0, 1, 2].map((i) => ({ key: null, value: `last-${i}`, timestamp: 8_000 + i })),
    );
    await send(
      1,
      [0, 1].map((i) => ({ key: 'p1', value: `other-${i}`, timestamp: 9_000 + i })),
    );
    await send(
      1,
      [0, 1, 2].map((i) => ({ key: 'p1', value: `other-${i + 2}`, timestamp: 9_100 + i })),
    );
  });

  afterAll(async () => {
    await producer.disconnect();
    await fixture.cleanup();
  });

  const sentTo = (partition: number) => sent.filter((message) => message.partition === partition);

  it('acknowledges each produce request with the offset right after the previous one', async () => {
    expect(baseOffsets).toEqual(['0:0', '0:1', '0:2', '0:3', '0:7', '0:10', '0:11', '1:0', '1:2']);
    const admin = fixture.kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(TOPIC);
    await admin.disconnect();
    expect(offsets.map(({ partition, high }) => [partition, high])).toEqual([
      [0, '14'],
      [1, '5'],
    ]);
  });

  it('answers every fetch offset and byte limit with whole batches kafkajs decodes, within the limits', async () => {
    const connection = await RawConnection.open(fixture.broker.port);
    const limits = [1, 100, 150, 300, 1_000, 6_000, 1 << 20];
    const highWatermark = sentTo(0).length;
    let correlationId = 0;
    try {
      for (let fetchOffset = 0; fetchOffset <= highWatermark; fetchOffset++) {
        for (const maxBytes of limits) {
          for (const partitionMaxBytes of limits) {
            const request = fetchV11({
              replicaId: -1,
              maxWaitTime: 0,
              minBytes: 0,
              maxBytes,
              topics: [
                {
                  topic: TOPIC,
                  partitions: [0, 1].map((partition) => ({
                    partition,
                    fetchOffset: String(partition === 0 ? fetchOffset : 0),
                    maxBytes: partitionMaxBytes,
                  })),
                },
              ],
            });
            const { buffer } = await encodeFrame({
              correlationId: ++correlationId,
              clientId: 'raw',
              request,
            });
            const body = await connection.request(buffer);
            const context = { fetchOffset, maxBytes, partitionMaxBytes };

            const parsed = await fetchV11Response.parse(await fetchV11Response.decode(body));
            const delivered = parsed.responses[0].partitions[0].messages
              .filter((message) => Number(message.offset) >= fetchOffset)
              .map((message) => [Number(message.offset), message.value.toString()]);
            const expected = sentTo(0)
              .slice(fetchOffset, fetchOffset + delivered.length)
              .map((message) => [message.offset, message.value]);
            expect(delivered, JSON.stringify(context)).toEqual(expected);
            if (fetchOffset < highWatermark)
              expect(delivered.length, JSON.stringify(context)).toBeGreaterThan(0);

            const [first, second] = recordSets(body);
            if (first.length > 0) {
              expect(first[0].baseOffset).toBeLessThanOrEqual(fetchOffset);
              expect(first[0].lastOffset).toBeGreaterThanOrEqual(fetchOffset);
            }
            // Only the first batch of the response may exceed a limit; every other one must fit both.
            let responseBytes = 0;
            for (const batches of [first, second]) {
              let partitionBytes = 0;
              batches.forEach((batch, i) => {
                if (i > 0) expect(batch.baseOffset).toBe(batches[i - 1].lastOffset + 1);
                if (responseBytes > 0) {
                  expect(responseBytes + batch.size, JSON.stringify(context)).toBeLessThanOrEqual(maxBytes);
                  expect(partitionBytes + batch.size, JSON.stringify(context)).toBeLessThanOrEqual(
                    partitionMaxBytes,
                  );
                }
                responseBytes += batch.size;
                partitionBytes += batch.size;
              });
            }
          }
        }
      }
    } finally {
      connection.close();
    }
  });

  it('delivers every record in order, with its key and timestamp, to kafkajs consumers at any fetch limit', async () => {
    const limits = [
      { maxBytesPerPartition: 1, maxBytes: 1 },
      { maxBytesPerPartition: 180, maxBytes: 400 },
      { maxBytesPerPartition: 1 << 20, maxBytes: 10 << 20 },
    ];
    for (const [i, limit] of limits.entries()) {
      const consumer = fixture.kafka.consumer({ groupId: `limits-${i}`, maxWaitTimeInMs: 100, ...limit });
      const received: Sent[] = [];
      let crash: Error | undefined;
      consumer.on(consumer.events.CRASH, ({ payload }) => (crash = payload.error));
      await consumer.connect();
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          received.push({
            partition,
            offset: Number(message.offset),
            key: message.key?.toString() ?? null,
            value: message.value!.toString(),
            timestamp: message.timestamp,
          });
        },
      });
      await waitFor(() => received.length >= sent.length || crash !== undefined, `${sent.length} records`);
      await consumer.disconnect();
      expect(crash).toBeUndefined();
      for (const partition of [0, 1]) {
        expect(received.filter((message) => message.partition === partition)).toEqual(sentTo(partition));
      }
    }
  });
});
