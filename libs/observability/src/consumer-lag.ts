import type { Kafka } from 'kafkajs';
import { LazyAdmin } from './lazy-admin';

export interface ConsumerLagSample {
  projection: string;
  topic: string;
  partition: number;
  lag: number;
}

/** Asked on every scrape of /metrics; returns the lag of every partition it knows. */
export type ConsumerLagSource = (() => Promise<ConsumerLagSample[]>) & { close?(): Promise<void> };

/** Where a projection stands: the next offset it will project, per partition it has checkpointed. */
export interface ProjectionPosition {
  topic: string;
  partition: number;
  nextOffset: number;
}

export interface PartitionOffsets {
  topic: string;
  partition: number;
  /** First offset still in the log. */
  low: number;
  /** Offset the next produced event will get. */
  high: number;
}

/**
 * Lag per partition: the events between a projection's position and the log end. A partition without
 * a checkpoint will be projected from its first offset, so all of it counts.
 */
export function computeConsumerLag(
  projection: string,
  offsets: PartitionOffsets[],
  positions: ProjectionPosition[],
): ConsumerLagSample[] {
  const nextOffsetOf = new Map(positions.map((p) => [`${p.topic}\u0000${p.partition}`, p.nextOffset]));
  return offsets.map(({ topic, partition, low, high }) => {
    const nextOffset = nextOffsetOf.get(`${topic}\u0000${partition}`) ?? low;
    return { projection, topic, partition, lag: Math.max(0, high - Math.max(nextOffset, low)) };
  });
}

export interface KafkaConsumerLagSourceOptions {
  kafka: Kafka;
  projection: string;
  topics: readonly string[];
  /** The projection's checkpoints (e.g. from its PostgreSQL checkpoints table). */
  readPositions(): Promise<ProjectionPosition[]>;
}

/** A lag source comparing a projection's checkpoints with the partitions' end offsets in Kafka. */
export function kafkaConsumerLagSource(options: KafkaConsumerLagSourceOptions): ConsumerLagSource {
  const admin = new LazyAdmin(options.kafka);
  const source = async (): Promise<ConsumerLagSample[]> => {
    const [offsets, positions] = await Promise.all([
      admin.use((client) =>
        Promise.all(
          options.topics.map(async (topic) =>
            (await client.fetchTopicOffsets(topic)).map(({ partition, low, high }) => ({
              topic,
              partition,
              low: Number(low),
              high: Number(high),
            })),
          ),
        ),
      ),
      options.readPositions(),
    ]);
    return computeConsumerLag(options.projection, offsets.flat(), positions);
  };
  return Object.assign(source, { close: () => admin.close() });
}
