import {
  CompressionTypes,
  Partitioners,
  type Kafka,
  type Message,
  type Producer,
  type RecordMetadata,
} from 'kafkajs';
import { ProduceError } from './errors';
import { useFastestGzip } from './fast-gzip';

/** One event, encoded and addressed, ready for the broker. */
export interface EncodedEvent {
  eventId: string;
  topic: string;
  key: string;
  value: Buffer;
}

/** Where the broker stored one event. Offsets are decimal strings: Kafka offsets are 64-bit. */
export interface EventAck {
  eventId: string;
  topic: string;
  partition: number;
  offset: string;
}

/** Anything that can durably write a batch of encoded events and say where each one landed. */
export interface EventSink {
  sendBatch(events: EncodedEvent[]): Promise<EventAck[]>;
  close(): Promise<void>;
}

const partitionOf = Symbol('strata.partition');
type AddressedMessage = Message & { [partitionOf]?: number };

/**
 * kafkajs's default (Java-compatible murmur2) partitioner, remembering the partition it picked on the
 * message object itself, so every event's offset can be read off the per-partition base offsets.
 */
const recordingPartitioner = () => {
  const choose = Partitioners.DefaultPartitioner();
  return (args: Parameters<typeof choose>[0]) => {
    const partition = choose(args);
    (args.message as AddressedMessage)[partitionOf] = partition;
    return partition;
  };
};

/**
 * Messages of one partition are appended in the order they were given, starting at that partition's
 * base offset, so message i of partition p sits at baseOffset(p) + i.
 */
export function offsetsOf(
  events: { eventId: string; topic: string; partition: number }[],
  metadata: Pick<RecordMetadata, 'topicName' | 'partition' | 'baseOffset' | 'errorCode'>[],
): EventAck[] {
  const next = new Map<string, bigint>();
  for (const entry of metadata) {
    if (entry.errorCode !== 0) {
      throw new ProduceError(
        `broker refused ${entry.topicName}[${entry.partition}] with error code ${entry.errorCode}`,
      );
    }
    next.set(`${entry.topicName}/${entry.partition}`, BigInt(entry.baseOffset ?? '0'));
  }
  return events.map(({ eventId, topic, partition }) => {
    const slot = `${topic}/${partition}`;
    const offset = next.get(slot);
    if (offset === undefined) throw new ProduceError(`broker returned no offset for ${slot}`);
    next.set(slot, offset + 1n);
    return { eventId, topic, partition, offset: offset.toString() };
  });
}

export interface KafkaSinkOptions {
  /** Retries of one batch inside the idempotent producer session, with exponential backoff. */
  retries: number;
  initialRetryMs: number;
  /** How long the broker may take to replicate and acknowledge one produce request. */
  ackTimeoutMs: number;
  /**
   * Compress record batches (gzip at zlib's fastest level, in zlib's thread pool). Worth it for
   * provenance-heavy traffic, whose item ids repeat; default none, for the lowest latency.
   */
  gzip?: boolean;
}

/**
 * Writes batches with acks=all through kafkajs's idempotent producer. Retries happen inside kafkajs,
 * under the same producer id and sequence numbers, so a retried batch is never written twice.
 */
export class KafkaEventSink implements EventSink {
  private constructor(
    private readonly producer: Producer,
    private readonly options: KafkaSinkOptions,
  ) {}

  static async connect(kafka: Kafka, options: KafkaSinkOptions): Promise<KafkaEventSink> {
    if (options.gzip) useFastestGzip();
    const producer = kafka.producer({
      idempotent: true,
      // kafkajs only guarantees idempotent, ordered delivery with a single request in flight.
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: recordingPartitioner,
      retry: {
        retries: options.retries,
        initialRetryTime: options.initialRetryMs,
        maxRetryTime: 30_000,
      },
    });
    await producer.connect();
    return new KafkaEventSink(producer, options);
  }

  async sendBatch(events: EncodedEvent[]): Promise<EventAck[]> {
    const byTopic = new Map<string, AddressedMessage[]>();
    const messages = events.map((event) => {
      const message: AddressedMessage = { key: event.key, value: event.value };
      const list = byTopic.get(event.topic) ?? [];
      list.push(message);
      byTopic.set(event.topic, list);
      return message;
    });
    let metadata: RecordMetadata[];
    try {
      metadata = await this.producer.sendBatch({
        acks: -1,
        timeout: this.options.ackTimeoutMs,
        compression: this.options.gzip ? CompressionTypes.GZIP : CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, list]) => ({ topic, messages: list })),
      });
    } catch (error) {
      throw new ProduceError(`broker did not acknowledge the batch: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return offsetsOf(
      events.map((event, index) => ({
        eventId: event.eventId,
        topic: event.topic,
        partition: messages[index][partitionOf] ?? -1,
      })),
      metadata,
    );
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
