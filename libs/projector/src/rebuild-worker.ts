import path from 'node:path';
import { parentPort, Worker } from 'node:worker_threads';
import { createKnex } from '@strata/database';
import { createKafka } from '@strata/kafka';
import { createLogger } from '@strata/logging';
import { StoredIdFilter } from '@strata/projection';
import type { Checkpoint } from '@strata/views';
import { ProjectionConsumer, type FetchLimits } from './projection-consumer';
import { rebuildProjector } from './rebuild-projector';

/** How a rebuild's worker threads reach the database, the brokers and the registry. */
export interface RebuildConnection {
  databaseUrl: string;
  brokers: string[];
  registryUrl: string;
  logLevel: string;
}

/** What one worker thread replays: its share of the partitions, into the rebuild's build. */
export interface RebuildShare {
  connection: RebuildConnection;
  groupId: string;
  schemaName: string;
  endOffsets: Checkpoint[];
  /** The rebuild's StoredIdFilter's bits, shared by every thread of it. */
  storedIds: SharedArrayBuffer;
  fetch?: FetchLimits;
  concurrentPartitions?: number;
}

/** Sent by a worker after each committed batch. */
interface BatchMessage {
  records: number;
}

/**
 * Replays `share` in a worker thread of its own (its own clients, connections and heap), calling
 * `onBatch` with each committed batch's record count; resolves once the share is replayed, rejects
 * with the worker's error. `stop()` ends it early.
 */
export function startRebuildWorker(
  share: RebuildShare,
  onBatch: (records: number) => void,
): { done: Promise<void>; stop(): Promise<void> } {
  // The sources are TypeScript compiled as they load (bin/strata.js): so is the worker's entry.
  const entry = path.join(__dirname, `rebuild-worker-entry${path.extname(__filename)}`);
  const worker = new Worker(`require('@swc-node/register'); require(${JSON.stringify(entry)});`, {
    eval: true,
    workerData: share,
  });
  worker.on('message', (message: BatchMessage) => onBatch(message.records));
  const done = new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`rebuild worker thread exited with code ${code}`)),
    );
  });
  done.catch(() => undefined); // the caller awaits it; a stop() before then must not be unhandled
  return {
    done,
    stop: async () => {
      await worker.terminate();
    },
  };
}

/** A worker thread's work (rebuild-worker-entry.ts): its share replayed with clients of its own. */
export async function replayShare(share: RebuildShare): Promise<void> {
  const { connection } = share;
  const logger = createLogger(connection.logLevel).child({ worker: share.groupId });
  const knex = createKnex(connection.databaseUrl, { logger, max: (share.concurrentPartitions ?? 3) + 1 });
  const kafka = createKafka({ brokers: connection.brokers, clientId: 'strata-rebuild', logger });
  const consumer = new ProjectionConsumer({
    kafka,
    knex,
    projector: rebuildProjector(knex, connection.registryUrl, logger),
    logger,
    groupId: share.groupId,
    topics: [...new Set(share.endOffsets.map((end) => end.topic))],
    schemaName: share.schemaName,
    endOffsets: share.endOffsets,
    storedIds: new StoredIdFilter(share.storedIds),
    fetch: share.fetch,
    concurrentPartitions: share.concurrentPartitions,
    onBatch: ({ records }) => parentPort!.postMessage({ records } satisfies BatchMessage),
  });
  try {
    await consumer.start();
    await consumer.whenReachedEnd;
  } finally {
    await consumer.stop();
    await knex.destroy();
  }
}
