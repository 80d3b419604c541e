import { workerData } from 'node:worker_threads';
import { replayShare, type RebuildShare } from './rebuild-worker';

// The entry of a rebuild's worker thread (startRebuildWorker), loaded nowhere else.
replayShare(workerData as RebuildShare).catch((error: unknown) =>
  // Thrown outside the promise: the worker's 'error' event carries it to startRebuildWorker's caller.
  setImmediate(() => {
    throw error;
  }),
);
