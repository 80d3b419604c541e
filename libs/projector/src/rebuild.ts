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
  /** Batches of different partitions in flight at once (see `ProjectionConsumerOptions`); default 3. */
  concurrentPartitions?: number;
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
 * live, with `swap`). The consumer group is a throwaway one: it only assigns partitions.
 */
export async function rebuild(options: RebuildOptions): Promise<RebuildResult> {
  const { kafka, knex, logger } = options;
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

  const consumer = new ProjectionConsumer({
    kafka,
    knex,
    projector: options.projector,
    logger,
    groupId: `strata-rebuild-${name}-${randomBytes(4).toString('hex')}`,
    topics: [...new Set(endOffsets.map((end) => end.topic))],
    schemaName: build.schemaName,
    endOffsets,
    // The build was just created, empty, under a name no other process writes to: a filter of the
    // ids this rebuild writes proves most lookups of its new events, items and labels unnecessary.
    // Sized for every record to replay, each storing an eventId and up to two entity ids; a log of
    // many artifact refs per step overfills it, which only makes more lookups and upserts "maybe".
    storedIds: new StoredIdFilter(3 * total),
    fetch: options.fetch,
    concurrentPartitions: options.concurrentPartitions,
    onBatch: (batch) => {
      records += batch.records;
      options.onProgress?.({ done: records, total });
    },
  });
  try {
    await consumer.start();
    await consumer.whenReachedEnd;
  } finally {
    await consumer.stop();
  }
  await restoreIndexes(knex, deferredIndexes);
  await completeBuild(knex, name, target);
  if (options.swap) await swapLiveBuild(knex, name);
  logger.info({ build: name, records, swapped: Boolean(options.swap) }, 'rebuild complete');
  return { build: (await findBuild(knex, name))!, endOffsets, records };
}
