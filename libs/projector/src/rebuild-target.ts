import type { Admin } from 'kafkajs';
import type { OffsetPosition } from '@strata/contracts';
import type { AsOf, Checkpoint } from '@strata/views';

/** What a rebuild (or a verify) is cut at: the same points the views answer as-of. */
export type RebuildTarget = AsOf;

/** A partition of the log with its end (the offset the next event will get). */
export interface PartitionEnd {
  topic: string;
  partition: number;
  high: number;
}

/** The target names a partition that does not exist or an offset the log has not reached. */
export class RebuildTargetError extends Error {
  override name = 'RebuildTargetError';
}

const keyOf = (topic: string, partition: number) => `${topic}:${partition}`;

/**
 * The end offset of every partition for an offset vector: as given where named; 0 (nothing from it)
 * where not named — the same rule as the views' as-of, so a rebuild to V and as-of V agree.
 */
export function endOffsetsOfVector(
  log: readonly PartitionEnd[],
  offsets: readonly OffsetPosition[],
): Checkpoint[] {
  const highs = new Map(log.map((p) => [keyOf(p.topic, p.partition), p.high]));
  const named = new Map<string, number>();
  for (const { topic, partition, offset } of offsets) {
    const key = keyOf(topic, partition);
    const high = highs.get(key);
    if (high === undefined) throw new RebuildTargetError(`partition ${key} is not in the log`);
    if (offset > high) {
      throw new RebuildTargetError(`offset ${offset} of ${key} is beyond the end of the log (${high})`);
    }
    if (named.has(key) && named.get(key) !== offset)
      throw new RebuildTargetError(`partition ${key} is named twice`);
    named.set(key, offset);
  }
  return sortedEnds(
    log.map(({ topic, partition }) => ({
      topic,
      partition,
      nextOffset: named.get(keyOf(topic, partition)) ?? 0,
    })),
  );
}

export function sortedEnds(ends: readonly Checkpoint[]): Checkpoint[] {
  return [...ends].sort((a, b) =>
    a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
  );
}

/** `offsets:strata.items:0=120,…` (sorted): how a resolved target is recorded and can be given again. */
export function formatEndOffsets(ends: readonly Checkpoint[]): string {
  return `offsets:${sortedEnds(ends)
    .map(({ topic, partition, nextOffset }) => `${topic}:${partition}=${nextOffset}`)
    .join(',')}`;
}

/** The ends of every partition of `topics` that exists (a topic never written to has none). */
export async function partitionEnds(admin: Admin, topics: readonly string[]): Promise<PartitionEnd[]> {
  const existing = new Set(await admin.listTopics());
  const perTopic = await Promise.all(
    topics
      .filter((topic) => existing.has(topic))
      .map(async (topic) =>
        (await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => ({
          topic,
          partition,
          high: Number(high),
        })),
      ),
  );
  return perTopic.flat();
}

/**
 * Resolves a target to an end offset per partition of `topics`: `latest` is the log's end now; a
 * time is the first offset stamped after it (ListOffsets by time, +1 ms so events stamped exactly at
 * T are included, as releases cut at T include them); an offset vector as given.
 */
export async function resolveEndOffsets(
  admin: Admin,
  topics: readonly string[],
  target: RebuildTarget,
): Promise<Checkpoint[]> {
  const log = await partitionEnds(admin, topics);
  switch (target.kind) {
    case 'latest':
      return sortedEnds(log.map(({ topic, partition, high }) => ({ topic, partition, nextOffset: high })));
    case 'offsets':
      return endOffsetsOfVector(log, target.offsets);
    case 'time': {
      const topicsInLog = [...new Set(log.map((p) => p.topic))];
      const perTopic = await Promise.all(
        topicsInLog.map(async (topic) =>
          (await admin.fetchTopicOffsetsByTimestamp(topic, target.time.getTime() + 1)).map(
            ({ partition, offset }) => ({ topic, partition, nextOffset: Number(offset) }),
          ),
        ),
      );
      return sortedEnds(perTopic.flat());
    }
  }
}
