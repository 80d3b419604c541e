import { randomUUID } from 'node:crypto';
import { EventSerde, type StrataEvent } from '@strata/contracts';
import { createKafka } from '@strata/kafka';
import type { Logger } from 'pino';

/** The sum of a topic's partition end offsets: how many records it holds (nothing is ever compacted). */
export async function recordCount(brokers: string[], topic: string, logger: Logger): Promise<number> {
  const admin = createKafka({ brokers, clientId: 'strata-test-offsets', logger }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, partition) => sum + Number(partition.high), 0);
  } finally {
    await admin.disconnect();
  }
}

export interface ReadEvent {
  partition: number;
  offset: string;
  /** Kafka record timestamp, epoch milliseconds. */
  timestamp: number;
  key: string;
  event: StrataEvent;
}

/**
 * Reads and decodes every record of `topic`, in offset order per partition. A consumer that crashes
 * (the embedded broker has been seen answering a fetch with a truncated response, which kafkajs
 * treats as fatal) is replaced and the read starts over, up to three times, with a warning.
 */
export async function readTopic(
  brokers: string[],
  registryUrl: string,
  topic: string,
  logger: Logger,
): Promise<ReadEvent[]> {
  const expected = await recordCount(brokers, topic, logger);
  if (expected === 0) return [];
  const serde = new EventSerde({ registryUrl });
  for (let attempt = 1; ; attempt++) {
    try {
      return await readOnce(brokers, topic, expected, serde, logger);
    } catch (error) {
      if (attempt === 3) throw error;
      console.warn(`reading ${topic} failed (${(error as Error).message}); reading it again`);
    }
  }
}

async function readOnce(
  brokers: string[],
  topic: string,
  expected: number,
  serde: EventSerde,
  logger: Logger,
): Promise<ReadEvent[]> {
  const consumer = createKafka({ brokers, clientId: 'strata-test-reader', logger }).consumer({
    groupId: `strata-test-reader-${randomUUID()}`,
  });
  const events: ReadEvent[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(
        () => reject(new Error(`read ${events.length} of ${expected} records of ${topic}`)),
        30_000,
      );
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        clearTimeout(timeout);
        reject(payload.error);
      });
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            events.push({
              partition,
              offset: message.offset,
              timestamp: Number(message.timestamp),
              key: message.key?.toString() ?? '',
              event: await serde.decode(message.value as Buffer),
            });
            if (events.length >= expected) {
              clearTimeout(timeout);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return events;
}
