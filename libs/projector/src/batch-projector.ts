import type { Knex } from 'knex';
import { emptyChanges, type DeadLetter, type StoredIdFilter } from '@strata/projection';
import { advanceCheckpoints, applyBatch, applyChanges } from '@strata/views';
import { decodeRecords, type FetchedRecord, type RecordDecoder } from './decode-records';
import type { DeadLetterPublisher } from './dead-letter-publisher';

/** The checkpoints' `projection` column for the views every build holds. */
export const viewsProjection = 'views';

/** Records of one partition, in log order, all at or after `expectedNextOffset`. */
export interface PartitionRecords {
  topic: string;
  partition: number;
  records: readonly FetchedRecord[];
  /** The stored checkpoint this batch continues from; null when the partition has none yet. */
  expectedNextOffset: number | null;
  /**
   * Commit without waiting for the WAL flush (`synchronous_commit = off`), for a build nobody reads
   * yet (a rebuild): see {@link BatchProjector.project}.
   */
  asynchronousCommit?: boolean;
  /**
   * The ids written into the build so far, for a build this process created empty and is the only
   * writer of (a rebuild): lookups of ids it proves absent are skipped. See {@link StoredIdFilter}.
   */
  storedIds?: StoredIdFilter;
}

export interface ProjectedBatch {
  /** The partition's checkpoint after the batch: the last record's offset + 1. */
  nextOffset: number;
  /** Events folded into the views (not dead letters, not re-deliveries). */
  applied: number;
  skippedDuplicates: number;
  deadLetters: DeadLetter[];
}

export interface BatchProjectorOptions {
  knex: Knex;
  decoder: RecordDecoder;
  deadLetters: DeadLetterPublisher;
  projection?: string;
}

/**
 * Projects one fetched batch of one partition into a build, exactly once: the view rows, the dead
 * letters and the checkpoint move (compare-and-set from `expectedNextOffset`) commit in one
 * transaction, so a crash at any point leaves either all of the batch or none of it.
 *
 * Dead letters are published to `strata.dlq` inside the transaction, after the checkpoint
 * compare-and-set succeeded and before the commit. Publishing after the commit could lose the DLQ
 * message if the process died in between, since the batch would never be projected again. This way
 * a failure to commit only means the batch is projected and its dead letters published again:
 * `strata.dlq` is at least once, and the key (original topic:partition:offset) identifies repeats.
 * The cost — a Kafka round trip while the transaction is open — is paid only by batches with dead
 * letters.
 */
export class BatchProjector {
  readonly projection: string;

  constructor(private readonly options: BatchProjectorOptions) {
    this.projection = options.projection ?? viewsProjection;
  }

  /**
   * Throws CheckpointConflictError (rolled back) when another writer moved the checkpoint, and any
   * database or registry error as it is; the caller decides whether to retry.
   */
  async project(schemaName: string, batch: PartitionRecords): Promise<ProjectedBatch> {
    const { topic, partition, records, expectedNextOffset } = batch;
    if (records.length === 0) throw new Error(`empty batch of ${topic}:${partition}`);
    const { events, undecodable } = await decodeRecords(this.options.decoder, topic, partition, records);
    const nextOffset = Number(records[records.length - 1].offset) + 1;
    return this.options.knex.transaction(async (trx) => {
      // A commit that returns before its WAL reaches disk may be lost if the server crashes; it is
      // lost whole, checkpoint included (one transaction), so the batch is projected again from
      // the older checkpoint: still exactly once. Only for a build not yet readable: its completion
      // is committed synchronously, which flushes the WAL of every batch before it, so no reader
      // ever sees rows that a crash could take back.
      if (batch.asynchronousCommit) await trx.raw('SET LOCAL synchronous_commit = off');
      const changes =
        events.length > 0 ? await applyBatch(trx, schemaName, events, batch.storedIds) : emptyChanges();
      if (undecodable.length > 0) {
        await applyChanges(trx, schemaName, { ...emptyChanges(), deadLetters: undecodable });
      }
      await advanceCheckpoints(trx, schemaName, this.projection, [
        { topic, partition, nextOffset, expectedNextOffset },
      ]);
      const deadLetters = [...undecodable, ...changes.deadLetters].sort(
        (a, b) => a.position.offset - b.position.offset,
      );
      await this.options.deadLetters.publish(deadLetters);
      return {
        nextOffset,
        applied: events.length - changes.deadLetters.length - changes.skippedDuplicates,
        skippedDuplicates: changes.skippedDuplicates,
        deadLetters,
      };
    });
  }
}
