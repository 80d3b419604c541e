import { randomUUID } from 'node:crypto';
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { createKafka } from '@strata/kafka';
import { parseRecord, serializeRecord, type LogRecord } from './log-records';
import type { SchemaLog } from './schema-log';

/** Confluent's name for the registry's topic. */
export const defaultSchemasTopic = '_schemas';

export interface KafkaSchemaLogOptions {
  brokers: string[];
  logger: Logger;
  topic?: string;
}

/**
 * The registry's records in a single-partition Kafka topic: one total order, written with acks=all,
 * read back to its end at start. The topic is the registry's only state.
 */
export class KafkaSchemaLog implements SchemaLog {
  private constructor(
    private readonly kafka: Kafka,
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly logger: Logger,
  ) {}

  static async open(options: KafkaSchemaLogOptions): Promise<KafkaSchemaLog> {
    const logger = options.logger.child({ component: 'schema-log' });
    const topic = options.topic ?? defaultSchemasTopic;
    const kafka = createKafka({ brokers: options.brokers, clientId: 'strata-schema-registry', logger });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const existing = await admin.listTopics();
      if (!existing.includes(topic)) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: [
            {
              topic,
              numPartitions: 1,
              replicationFactor: -1,
              // Keyed records hold whole states (a later value replaces an earlier one), as in Confluent's topic.
              configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
            },
          ],
        });
      }
    } finally {
      await admin.disconnect();
    }
    // One request in flight keeps records in commit order. Idempotence is not needed: a record retried
    // twice repeats a key with the same value, which replays to the same state.
    const producer = kafka.producer({
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    return new KafkaSchemaLog(kafka, producer, topic, logger);
  }

  async readAll(): Promise<LogRecord[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    let end: number;
    try {
      const [partition] = await admin.fetchTopicOffsets(this.topic);
      if (Number(partition.high) <= Number(partition.low)) return [];
      end = Number(partition.high);
    } finally {
      await admin.disconnect();
    }
    const records = await this.consumeUntil(end);
    this.logger.info({ topic: this.topic, records: records.length, end }, 'schema log replayed');
    return records;
  }

  /** Reads from the beginning up to (not including) offset `end`, known to exist. */
  private async consumeUntil(end: number): Promise<LogRecord[]> {
    // A fresh group each time: the group only serves to be assigned the partition; nothing is committed.
    const consumer = this.kafka.consumer({ groupId: `strata-schema-registry-${randomUUID()}` });
    const records: LogRecord[] = [];
    await consumer.connect();
    try {
      await new Promise<void>((resolve, reject) => {
        consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
        consumer
          .subscribe({ topic: this.topic, fromBeginning: true })
          .then(() =>
            consumer.run({
              autoCommit: false,
              eachMessage: async ({ message }) => {
                if (Number(message.offset) >= end) return;
                const record = parseRecord(message.key, message.value);
                if (record) records.push(record);
                if (Number(message.offset) === end - 1) resolve();
              },
            }),
          )
          .catch(reject);
      });
    } finally {
      await consumer.disconnect();
    }
    return records;
  }

  async append(records: LogRecord[]): Promise<void> {
    await this.producer.send({ topic: this.topic, acks: -1, messages: records.map(serializeRecord) });
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
