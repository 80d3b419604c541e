import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWithKafkajs } from '../../libs/kafka-broker/src/testing/kafkajs-record-batch';
import { startTestBroker, type TestBroker } from './support/broker-fixture';
import { RawConnection } from './support/raw-connection';

const TOPIC = 'idempotence';

/** Produce v7 with one partition's record set, framed by hand so a test can replay it exactly. */
function produceFrame(correlationId: number, records: Buffer): Buffer {
  const topic = Buffer.from(TOPIC);
  const body = Buffer.alloc(2 + 2 + 4 + 4 + 2 + topic.length + 4 + 4 + 4);
  let at = body.writeInt16BE(-1, 0); // transactional_id: null
  at = body.writeInt16BE(-1, at); // acks: all
  at = body.writeInt32BE(5_000, at); // timeout
  at = body.writeInt32BE(1, at); // one topic
  at = body.writeInt16BE(topic.length, at);
  at += topic.copy(body, at);
  at = body.writeInt32BE(1, at); // one partition
  at = body.writeInt32BE(0, at); // partition 0
  body.writeInt32BE(records.length, at);
  const header = Buffer.alloc(4 + 2 + 2 + 4 + 2);
  header.writeInt32BE(header.length - 4 + body.length + records.length, 0);
  header.writeInt16BE(0, 4); // Produce
  header.writeInt16BE(7, 6);
  header.writeInt32BE(correlationId, 8);
  header.writeInt16BE(-1, 12); // client_id: null
  return Buffer.concat([header, body, records]);
}

/** Sends one Produce on a new connection and returns (error code, base offset) from its response. */
async function produce(port: number, records: Buffer): Promise<{ errorCode: number; baseOffset: number }> {
  const connection = await RawConnection.open(port);
  try {
    const response = await connection.request(produceFrame(1, Buffer.from(records)));
    // topics[1], name, partitions[1], partition index, then error and offset
    const partitionAt = 4 + 2 + TOPIC.length + 4 + 4;
    return {
      errorCode: response.readInt16BE(partitionAt),
      baseOffset: Number(response.readBigInt64BE(partitionAt + 2)),
    };
  } finally {
    connection.close();
  }
}

const batch = (baseSequence: number, count: number) =>
  encodeWithKafkajs(
    Array.from({ length: count }, (_, i) => ({ value: `seq-${baseSequence + i}`, timestamp: Date.now() })),
    { producerId: 5, baseSequence },
  );

describe('idempotent produce on the wire', () => {
  let fixture: TestBroker;

  beforeAll(async () => {
    fixture = await startTestBroker({ defaultPartitions: 1 });
    const admin = fixture.kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }] });
    await admin.disconnect();
  });

  afterAll(() => fixture.cleanup());

  it('acknowledges a retried batch with its first offset without storing it twice, also after a restart', async () => {
    const first = await batch(0, 3);
    const second = await batch(3, 2);
    expect(await produce(fixture.broker.port, first)).toEqual({ errorCode: 0, baseOffset: 0 });
    expect(await produce(fixture.broker.port, second)).toEqual({ errorCode: 0, baseOffset: 3 });
    expect(await produce(fixture.broker.port, first)).toEqual({ errorCode: 0, baseOffset: 0 });

    await fixture.restart();
    expect(await produce(fixture.broker.port, second)).toEqual({ errorCode: 0, baseOffset: 3 });
    const admin = fixture.kafka.admin();
    await admin.connect();
    expect((await admin.fetchTopicOffsets(TOPIC))[0].high).toBe('5');
    await admin.disconnect();
  });

  it('refuses a sequence gap with OUT_OF_ORDER_SEQUENCE_NUMBER and stores nothing', async () => {
    const gap = await batch(9, 1);
    expect(await produce(fixture.broker.port, gap)).toEqual({ errorCode: 45, baseOffset: -1 });
    expect(await produce(fixture.broker.port, await batch(5, 1))).toEqual({ errorCode: 0, baseOffset: 5 });
  });
});
