import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { StoredIdFilter } from '@strata/projection';
import { deferIndexes, restoreIndexes, type Checkpoint } from '@strata/views';
import type { BatchProjector } from './batch-projector';
import {
  completeBuild,
  createBuild,
  findBuild,
  swapLiveBuild,
  timestampedBuildName,
  type Build,
} from './builds.repository';
import { ProjectionConsumer, type FetchLimits } from './projection-consumer';
import { projectedTopics } from './projected-topics';
import { formatEndOffsets, resolveEndOffsets, type RebuildTarget } from './rebuild-target';
import { startRebuildWorker, type RebuildConnection } from './rebuild-worker';

export interface RebuildOptions {
  kafka: Kafka;
  knex: Knex;
  projector: BatchProjector;
  logger: Logger;
  target: RebuildTarget;
  /** Build name; default `rebuild-<UTC time>`. */
  name?: string;
  /** Make the build live once complete. */
  swap?: boolean;
  fetch?: FetchLimits;
  /** Batches of different partitions in flight at once, per thread (see `ProjectionConsumerOptions`); default 3. */
  concurrentPartitions?: number;
  /**
   * Threads replaying at once, each its share of the partitions (default 1: this thread alone).
   * Beyond one, `connection` says how the other threads connect.
   */
  threads?: number;
  connection?: RebuildConnection;
  now?: Date;
  /** Called once the ends are known (`done` 0) and after every batch; `total` = events up to the target. */
  onProgress?(progress: { done: number; total: number }): void;
}

export interface RebuildResult {
  build: Build;
  endOffsets: Checkpoint[];
  /** Records replayed (events and dead letters). */
  records: number;
}

/**
 * Replays every projected topic from its first offset up to the target into a fresh build, through
 * the same consumer and batch projector as the live projector, then marks the build complete (and
 * live, with `swap`). With `threads`, the partitions are split into shares, one replayed here and
 * each other in a worker thread (Node runs JavaScript on one core per thread). Each share's consumer
 * is in a throwaway group of its own, which only assigns it exactly its partitions.
 */
export async function rebuild(options: RebuildOptions): Promise<RebuildResult> {
  const { kafka, knex, logger } = options;
  if ((options.threads ?? 1) > 1 && !options.connection)
    throw new Error('a rebuild in several threads needs the connection settings of the other threads');
  const admin = kafka.admin();
  await admin.connect();
  let endOffsets: Checkpoint[];
  try {
    endOffsets = await resolveEndOffsets(admin, projectedTopics, options.target);
  } finally {
    await admin.disconnect();
  }
  const target = formatEndOffsets(endOffsets);
  const name = options.name ?? timestampedBuildName('rebuild', options.now ?? new Date());
  const build = await createBuild(knex, { name, target });
  // Indexes no batch needs are built once from the finished tables rather than row by row.
  const deferredIndexes = await deferIndexes(knex, build.schemaName);
  const total = endOffsets.reduce((sum, end) => sum + end.nextOffset, 0);
  let records = 0;
  options.onProgress?.({ done: 0, total });
  logger.info({ build: name, schema: build.schemaName, target, events: total }, 'rebuild started');

  // The build was just created, empty, under a name no other process writes to: a filter of the
  // ids this rebuild writes proves most lookups of its new events, items and labels unnecessary.
  // Sized for every record to replay, each storing an eventId and up to two entity ids; a log of
  // many artifact refs per step overfills it, which only makes more lookups and upserts "maybe".
  // One filter for all threads (shared memory): a batch may look up ids another thread wrote.
  const storedIds = new StoredIdFilter(3 * total);
  const groupId = `strata-rebuild-${name}-${randomBytes(4).toString('hex')}`;
  const [ownShare, ...otherShares] = splitPartitions(endOffsets, options.threads ?? 1);
  const counted = (batchRecords: number) => {
    records += batchRecords;
    options.onProgress?.({ done: records, total });
  };
  const consumer = new ProjectionConsumer({
    kafka,
    knex,
    projector: options.projector,
    logger,
    groupId: `${groupId}-0`,
    topics: [...new Set(ownShare.map((end) => end.topic))],
    schemaName: build.schemaName,
    endOffsets: ownShare,
    storedIds,
    fetch: options.fetch,
    concurrentPartitions: options.concurrentPartitions,
    onBatch: (batch) => counted(batch.records),
  });
  const workers = otherShares.map((share, index) =>
    startRebuildWorker(
      {
        connection: options.connection!,
        groupId: `${groupId}-${index + 1}`,
        schemaName: build.schemaName,
        endOffsets: share,
        storedIds: storedIds.buffer,
        fetch: options.fetch,
        concurrentPartitions: options.concurrentPartitions,
      },
      counted,
    ),
  );
  try {
    await Promise.all([consumer.start().then(() => consumer.whenReachedEnd), ...workers.map((w) => w.done)]);
  } finally {
    await Promise.all([consumer.stop(), ...workers.map((worker) => worker.stop())]);
  }
  const indexesStarted = performance.now();
  await restoreIndexes(knex, deferredIndexes);
  const indexSeconds = Math.round(performance.now() - indexesStarted) / 1000;
  logger.info({ build: name, seconds: indexSeconds }, 'deferred indexes built');
  await completeBuild(knex, name, target);
  if (options.swap) await swapLiveBuild(knex, name);
  logger.info({ build: name, records, swapped: Boolean(options.swap) }, 'rebuild complete');
  return { build: (await findBuild(knex, name))!, endOffsets, records };
}

/**
 * The partitions split into `count` shares of about equal events (largest first, each to the
 * share with the fewest so far), none empty: one per thread of the rebuild.
 */
export function splitPartitions(endOffsets: readonly Checkpoint[], count: number): Checkpoint[][] {
  const shares = Array.from({ length: Math.max(1, Math.min(count, endOffsets.length)) }, () => ({
    events: 0,
    partitions: [] as Checkpoint[],
  }));
  for (const end of [...endOffsets].sort((a, b) => b.nextOffset - a.nextOffset)) {
    const smallest = shares.reduce((least, share) => (share.events < least.events ? share : least));
    smallest.partitions.push(end);
    smallest.events += end.nextOffset;
  }
  return shares.map((share) => share.partitions);
}
