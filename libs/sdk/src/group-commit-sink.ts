import { AckBatcher } from './ack-batcher';
import type { EncodedEvent, EventAck, EventSink } from './kafka-sink';

export interface GroupCommitOptions {
  /** Batches of callers merged into one produce request, at most. Default 64. */
  maxBatches?: number;
  /** Bytes merged into one produce request, at most (one caller's batch is never split). Default 900 KiB. */
  maxBytes?: number;
}

/**
 * Merges the batches of concurrent callers into one produce request (group commit). The idempotent
 * producer allows a single request in flight, so without merging, concurrent HTTP requests would
 * queue for one broker round trip each. A caller's batch is never split: one produce request is
 * acknowledged or failed as a whole, so every merged caller gets all of its acknowledgements or the
 * same error.
 */
export class GroupCommitSink implements EventSink {
  private readonly batcher: AckBatcher<EncodedEvent[], EventAck[]>;

  constructor(
    private readonly sink: EventSink,
    options: GroupCommitOptions = {},
  ) {
    this.batcher = new AckBatcher((batches) => this.sendMerged(batches), {
      // No waiting: batches merge only while the previous request is in flight.
      lingerMs: 0,
      maxBatchItems: options.maxBatches ?? 64,
      maxBatchBytes: options.maxBytes ?? 900 * 1024,
      maxQueuedItems: Number.MAX_SAFE_INTEGER,
    });
  }

  sendBatch(events: EncodedEvent[]): Promise<EventAck[]> {
    const bytes = events.reduce((sum, event) => sum + event.value.length + event.key.length, 0);
    return this.batcher.enqueue(events, bytes);
  }

  async close(): Promise<void> {
    await this.batcher.close();
    await this.sink.close();
  }

  private async sendMerged(batches: EncodedEvent[][]): Promise<EventAck[][]> {
    const acks = await this.sink.sendBatch(batches.flat());
    let start = 0;
    return batches.map((batch) => {
      const mine = acks.slice(start, start + batch.length);
      start += batch.length;
      return mine;
    });
  }
}
