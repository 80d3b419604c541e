import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { StrataMetrics } from '@strata/observability';
import { CheckpointConflictError, loadCheckpoints, type Checkpoint } from '@strata/views';
import type { StoredIdFilter } from '@strata/projection';
import type { BatchProjector, ProjectedBatch } from './batch-projector';
import { RegistryUnavailableError } from './decode-records';
import { listedPartitionsAssigner } from './listed-partitions-assigner';
import { partitionEnds } from './rebuild-target';
import { isTransientError, retryDelayMs } from './transient-errors';

/** Bounds on what one fetch may hold, hence on one transaction and on memory. */
export interface FetchLimits {
  /** Per fetch request, all partitions; default 8 MiB. */
  maxBytes?: number;
  /** Per partition per fetch, i.e. per batch; default 1 MiB. */
  maxBytesPerPartition?: number;
}

export interface ProjectionConsumerOptions {
  kafka: Kafka;
  knex: Knex;
  projector: BatchProjector;
  logger: Logger;
  groupId: string;
  topics: readonly string[];
  /** The build schema written to; `switchSchema` changes it (the live build was swapped). */
  schemaName: string;
  metrics?: StrataMetrics;
  fetch?: FetchLimits;
  /**
   * For a rebuild: per partition, the next offset to stop at (events below it are projected).
   * Partitions not listed are not assigned, so not read. Absent for the live projector, which never stops.
   */
  endOffsets?: readonly Checkpoint[];
  /**
   * Partitions projected at the same time, each batch in its own transaction on its own connection
   * (the knex pool must hold at least this many): while PostgreSQL writes one partition's batch,
   * Node decodes and projects another's, so both cores work. Batches of one partition stay strictly
   * sequential, and partitions share no checkpoint, exactly as when several projector instances
   * split the partitions of the group. Default 3: with two, each connection waited about half its
   * time for Node's event loop (busy with the other batch) between its statements, and a third
   * batch's writes fill those gaps (a 1M-event rebuild took 12 % less time on average over six
   * alternating pairs, bench/projection/README.md).
   */
  concurrentPartitions?: number;
  /**
   * For a rebuild into the empty build it created: the filter of ids written so far, handed to
   * every batch (see `PartitionRecords.storedIds`).
   */
  storedIds?: StoredIdFilter;
  /** Called after every committed batch. */
  onBatch?(batch: { topic: string; partition: number; records: number; result: ProjectedBatch }): void;
}

/** A partition whose stored checkpoint lies beyond the end of its log. */
export interface CheckpointPastLogEnd {
  topic: string;
  partition: number;
  checkpoint: number;
  logEnd: number;
}

/**
 * The build's checkpoints are past the end of the log: the log was truncated or replaced (e.g. the
 * broker's data wiped) while the database was kept. Projecting on would skip every new event below
 * the checkpoints, so the consumer stops instead.
 */
export class CheckpointPastLogEndError extends Error {
  constructor(
    readonly schemaName: string,
    readonly partitions: readonly CheckpointPastLogEnd[],
  ) {
    super(
      `checkpoints of build schema ${schemaName} are past the end of the log: ` +
        partitions
          .map((p) => `${p.topic}:${p.partition} checkpoint ${p.checkpoint} > log end ${p.logEnd}`)
          .join(', ') +
        '. The log was truncated or replaced (broker data wiped?) while the database was kept; ' +
        'projecting would skip the events now below those offsets. Restore the log, or rebuild ' +
        'from it (strata rebuild --as-of latest --swap) and start the projector again.',
    );
    this.name = 'CheckpointPastLogEndError';
  }
}

const keyOf = (topic: string, partition: number) => `${topic}\u0000${partition}`;
/** kafkajs's special offset "earliest": where a partition without checkpoint starts. */
const earliest = '-2';
/** Seeks back before a batch starting past the checkpoint is taken as a real gap in the log. */
const maxGapSeeks = 5;

/**
 * Kafka → views, exactly once. The checkpoint table of the build is the only position: the consumer
 * group only assigns partitions (no offsets are committed to Kafka), each assigned partition is
 * sought to its stored checkpoint, and a batch is written with a compare-and-set on that checkpoint.
 *
 * - A batch that starts before the checkpoint has its applied prefix dropped; one that starts after
 *   it (a stale fetch position) is discarded and the partition sought back, so nothing is skipped.
 * - CheckpointConflictError (another instance got the partition in a rebalance): rolled back, the
 *   checkpoint re-read, the partition sought to it.
 * - Transient database or registry failures: the same batch is retried with backoff, heartbeating,
 *   for as long as it takes; a batch is never skipped.
 */
export class ProjectionConsumer {
  private readonly consumer: Consumer;
  private schemaName: string;
  /** Stored checkpoints of the current schema for the partitions seen (null: none yet). */
  private readonly positions = new Map<string, number | null>();
  /** Where each partition was last sought to, so a true gap in the log is accepted after one seek. */
  /** Seeks back made per partition since its last commit because a batch started past the checkpoint. */
  private readonly gapSeeks = new Map<string, number>();
  private assigned: { topic: string; partition: number }[] = [];
  private readonly endOffsets?: Map<string, number>;
  private readonly finished = new Set<string>();
  private reachedEnd!: () => void;
  private crashed!: (error: Error) => void;
  private failedWith!: (error: Error) => void;
  private failure?: Error;
  /**
   * Resolves when every partition of `endOffsets` is projected up to its end offset; rejects if the
   * consumer stopped for good (see {@link whenFailed}).
   */
  readonly whenReachedEnd = new Promise<void>((resolve, reject) => {
    this.reachedEnd = resolve;
    this.crashed = reject;
  });
  /**
   * Resolves with the reason once the consumer stopped for good: it crashed and kafkajs gave up
   * restarting it, or a checkpoint is past the end of its log ({@link CheckpointPastLogEndError}).
   * Never resolves while it runs.
   */
  readonly whenFailed = new Promise<Error>((resolve) => (this.failedWith = resolve));

  constructor(private readonly options: ProjectionConsumerOptions) {
    this.schemaName = options.schemaName;
    if (options.endOffsets) {
      this.endOffsets = new Map(
        options.endOffsets.map((end) => [keyOf(end.topic, end.partition), end.nextOffset]),
      );
    }
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      maxBytes: options.fetch?.maxBytes ?? 8 * 1024 * 1024,
      maxBytesPerPartition: options.fetch?.maxBytesPerPartition ?? 1024 * 1024,
      maxWaitTimeInMs: 500,
      // A rebuild reads only the partitions of its target (or of its share of it).
      ...(options.endOffsets && { partitionAssigners: [listedPartitionsAssigner(options.endOffsets)] }),
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, ({ payload }) => {
      this.assigned = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
        partitions.map((partition) => ({ topic, partition })),
      );
      this.positions.clear();
      this.gapSeeks.clear();
      void this.seekAssigned(this.schemaName);
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      this.options.logger.error(
        { err: payload.error, restart: payload.restart },
        'projection consumer crashed',
      );
      if (!payload.restart) this.fail(payload.error);
    });
    // Only a rebuild waits on it; the live projector must not see an unhandled rejection.
    this.whenReachedEnd.catch(() => undefined);
  }

  get schema(): string {
    return this.schemaName;
  }

  async start(): Promise<void> {
    if (this.endOffsets && (await this.markFinished()) === this.endOffsets.size) {
      this.reachedEnd();
      return;
    }
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.concurrentPartitions ?? 3,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  /** Continues in another build (the live build was swapped): from that build's checkpoints. */
  switchSchema(schemaName: string): void {
    if (schemaName === this.schemaName) return;
    this.options.logger.info({ from: this.schemaName, to: schemaName }, 'switching to another build');
    this.schemaName = schemaName;
    this.positions.clear();
    this.gapSeeks.clear();
    void this.seekAssigned(schemaName);
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  /**
   * Seeks every assigned partition to its checkpoint in `schemaName` (a batch would find out anyway;
   * this saves a fetch), after checking that no checkpoint is past the end of its log: the consumer
   * stops then, before any fetch.
   */
  private async seekAssigned(schemaName: string): Promise<void> {
    try {
      const stored = await this.storedCheckpoints(schemaName);
      if (schemaName !== this.schemaName) return;
      // Unknown if the broker cannot say right now: each batch checks against its fetch's log end.
      const logEnds = await this.logEnds([...new Set(this.assigned.map((a) => a.topic))]).catch(
        (error: unknown) => {
          this.options.logger.warn({ err: error }, 'could not read the log ends of the assigned partitions');
          return new Map<string, number>();
        },
      );
      const pastEnd = this.assigned.flatMap(({ topic, partition }): CheckpointPastLogEnd[] => {
        const checkpoint = stored.get(keyOf(topic, partition));
        const logEnd = logEnds.get(keyOf(topic, partition));
        return checkpoint !== undefined && logEnd !== undefined && checkpoint > logEnd
          ? [{ topic, partition, checkpoint, logEnd }]
          : [];
      });
      if (pastEnd.length > 0) return this.fail(new CheckpointPastLogEndError(schemaName, pastEnd));
      for (const { topic, partition } of this.assigned) {
        const key = keyOf(topic, partition);
        const nextOffset = stored.get(key) ?? null;
        this.positions.set(key, nextOffset);
        this.seek(topic, partition, nextOffset);
      }
    } catch (error) {
      // Each batch checks its start against the checkpoint itself, so this is only a missed shortcut.
      this.options.logger.warn({ err: error }, 'could not seek assigned partitions to their checkpoints');
    }
  }

  /** The next offset to be written (high watermark) of every partition of `topics`. */
  private async logEnds(topics: readonly string[]): Promise<Map<string, number>> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      const ends = await partitionEnds(admin, topics);
      return new Map(ends.map(({ topic, partition, high }) => [keyOf(topic, partition), high]));
    } finally {
      await admin.disconnect();
    }
  }

  /** Stops for good: nothing more is fetched or projected; {@link whenFailed} says why. */
  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    if (error instanceof CheckpointPastLogEndError) {
      this.options.logger.error(
        { err: error, partitions: error.partitions },
        'checkpoints past the end of the log; the projection consumer stops',
      );
      this.consumer.pause([...new Set(this.assigned.map((a) => a.topic))].map((topic) => ({ topic })));
      void this.consumer.stop().catch(() => undefined);
    }
    this.crashed(error);
    this.failedWith(error);
  }

  private seek(topic: string, partition: number, nextOffset: number | null): void {
    this.consumer.seek({ topic, partition, offset: nextOffset === null ? earliest : String(nextOffset) });
  }

  private async storedCheckpoints(schemaName: string): Promise<Map<string, number>> {
    const checkpoints = await loadCheckpoints(
      this.options.knex,
      schemaName,
      this.options.projector.projection,
    );
    return new Map(checkpoints.map((c) => [keyOf(c.topic, c.partition), c.nextOffset]));
  }

  private async positionOf(schemaName: string, topic: string, partition: number): Promise<number | null> {
    const key = keyOf(topic, partition);
    if (!this.positions.has(key)) {
      const stored = (await this.storedCheckpoints(schemaName)).get(key) ?? null;
      if (schemaName === this.schemaName) this.positions.set(key, stored);
      return stored;
    }
    return this.positions.get(key)!;
  }

  /** Counts the partitions already projected to their end offset (a resumed or empty rebuild). */
  private async markFinished(): Promise<number> {
    const stored = await this.storedCheckpoints(this.schemaName);
    for (const [key, end] of this.endOffsets!) {
      if ((stored.get(key) ?? 0) >= end) this.finished.add(key);
    }
    return this.finished.size;
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, isRunning, isStale, heartbeat } = payload;
    const { topic, partition } = batch;
    const key = keyOf(topic, partition);
    const end = this.endOffsets ? (this.endOffsets.get(key) ?? 0) : Number.POSITIVE_INFINITY;
    for (let attempt = 0; isRunning() && !isStale(); attempt++) {
      const schemaName = this.schemaName;
      let committed = false;
      try {
        if (this.failure) return;
        const stored = await this.positionOf(schemaName, topic, partition);
        const from = stored ?? 0;
        // The fetch says where the log ends now; the assignment check may have been missed (it only
        // warns when it cannot reach the broker), this one is not.
        const logEnd = Number(batch.highWatermark);
        if (stored !== null && stored > logEnd) {
          return this.fail(
            new CheckpointPastLogEndError(schemaName, [{ topic, partition, checkpoint: stored, logEnd }]),
          );
        }
        if (from >= end) return this.finish(topic, partition);
        const first = batch.messages[0] ? Number(batch.messages[0].offset) : from;
        if (first > from) {
          // Projecting this batch would skip events: usually a fetch made before a seek (e.g. a swap
          // to a build that is behind) delivered after it. Seek back; only a gap that outlasts several
          // seeks is one in the log itself (offsets taken by transaction markers) and is stepped over.
          const seeks = this.gapSeeks.get(key) ?? 0;
          if (seeks < maxGapSeeks) {
            this.gapSeeks.set(key, seeks + 1);
            this.seek(topic, partition, stored);
            return;
          }
          this.options.logger.warn(
            { topic, partition, from, first },
            'offsets missing from the log; continuing after them',
          );
        }
        const records = batch.messages.filter((m) => Number(m.offset) >= from && Number(m.offset) < end);
        if (records.length === 0) {
          if (first >= end) return this.finish(topic, partition);
          // All already applied: jump to the checkpoint rather than be handed the same batch again.
          if (batch.messages.length > 0) this.seek(topic, partition, stored);
          return;
        }
        const started = performance.now();
        const result = await this.options.projector.project(schemaName, {
          topic,
          partition,
          records,
          expectedNextOffset: stored,
          // A rebuild's build is read only once complete (see BatchProjector.project).
          asynchronousCommit: this.endOffsets !== undefined,
          // Only for the build it was made for, should the consumer ever be switched to another.
          storedIds: schemaName === this.options.schemaName ? this.options.storedIds : undefined,
        });
        committed = true;
        this.gapSeeks.delete(key);
        if (schemaName === this.schemaName) this.positions.set(key, result.nextOffset);
        payload.resolveOffset(records[records.length - 1].offset);
        this.record(topic, result, (performance.now() - started) / 1000);
        this.options.onBatch?.({ topic, partition, records: records.length, result });
        if (result.nextOffset >= end) this.finish(topic, partition);
        await heartbeat();
        return;
      } catch (error) {
        if (committed) throw error; // the heartbeat's news (a rebalance) is kafkajs's to act on
        if (schemaName !== this.schemaName) return; // swapped meanwhile: the next fetch starts over there
        if (error instanceof CheckpointConflictError) {
          // Re-read the checkpoint and look at this batch again: the part past it is still ours to
          // project, or, if the checkpoint is beyond the batch, the partition is sought there.
          this.options.logger.warn({ topic, partition }, 'checkpoint moved concurrently; continuing from it');
          this.positions.delete(key);
          continue;
        }
        if (!isTransientError(error) && !(error instanceof RegistryUnavailableError)) throw error;
        const delayMs = retryDelayMs(attempt);
        this.options.logger.warn(
          { err: error, topic, partition, attempt, delayMs },
          'transient failure projecting a batch; retrying it',
        );
        await sleep(delayMs);
        await heartbeat().catch(() => undefined);
      }
    }
  }

  /** A rebuild reached its end offset in this partition (or does not read it): no more fetches. */
  private finish(topic: string, partition: number): void {
    this.consumer.pause([{ topic, partitions: [partition] }]);
    const key = keyOf(topic, partition);
    if (!this.endOffsets?.has(key)) return;
    this.finished.add(key);
    if (this.finished.size === this.endOffsets.size) this.reachedEnd();
  }

  private record(topic: string, result: ProjectedBatch, seconds: number): void {
    const metrics = this.options.metrics;
    if (!metrics) return;
    const projection = this.options.projector.projection;
    metrics.projectionBatchSeconds.observe({ projection }, seconds);
    metrics.eventsProjected.inc({ projection, topic }, result.applied);
    for (const letter of result.deadLetters) metrics.deadLetters.inc({ projection, reason: letter.reason });
  }
}
