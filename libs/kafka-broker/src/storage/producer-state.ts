import { ErrorCode } from '../protocol/error-codes';
import type { BatchHeader } from '../protocol/record-batch';

/** Kafka keeps the last five batches per producer: clients retry at most five in-flight requests. */
const REMEMBERED_BATCHES = 5;
const MAX_SEQUENCE = 0x7fffffff;

interface RememberedBatch {
  firstSequence: number;
  lastSequence: number;
  baseOffset: number;
}

interface ProducerEntry {
  epoch: number;
  batches: RememberedBatch[];
}

export type SequenceCheck =
  | { outcome: 'append' }
  | { outcome: 'duplicate'; baseOffset: number }
  | { outcome: 'reject'; errorCode: number };

const lastSequenceOf = (header: BatchHeader) =>
  (header.baseSequence + header.lastOffsetDelta) % (MAX_SEQUENCE + 1);
const nextSequence = (sequence: number) => (sequence === MAX_SEQUENCE ? 0 : sequence + 1);

/**
 * Idempotent-producer state of one partition. It is rebuilt on start from the producer fields of the
 * stored batch headers, so retries straddling a broker restart are still deduplicated.
 */
export class ProducerStateTable {
  private readonly producers = new Map<number, ProducerEntry>();

  check(header: BatchHeader): SequenceCheck {
    if (header.producerId < 0) return { outcome: 'append' };
    const entry = this.producers.get(header.producerId);
    if (entry === undefined || header.producerEpoch > entry.epoch) {
      return header.baseSequence === 0
        ? { outcome: 'append' }
        : { outcome: 'reject', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
    }
    if (header.producerEpoch < entry.epoch)
      return { outcome: 'reject', errorCode: ErrorCode.INVALID_PRODUCER_EPOCH };
    const lastSequence = lastSequenceOf(header);
    const retried = entry.batches.find(
      (batch) => batch.firstSequence === header.baseSequence && batch.lastSequence === lastSequence,
    );
    if (retried) return { outcome: 'duplicate', baseOffset: retried.baseOffset };
    const latest = entry.batches[entry.batches.length - 1];
    if (header.baseSequence === nextSequence(latest.lastSequence)) return { outcome: 'append' };
    return { outcome: 'reject', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER };
  }

  /** Records an appended batch (at runtime, or replayed from the log during recovery). */
  record(header: BatchHeader, baseOffset: number): void {
    if (header.producerId < 0) return;
    let entry = this.producers.get(header.producerId);
    if (entry === undefined || header.producerEpoch !== entry.epoch) {
      entry = { epoch: header.producerEpoch, batches: [] };
      this.producers.set(header.producerId, entry);
    }
    entry.batches.push({
      firstSequence: header.baseSequence,
      lastSequence: lastSequenceOf(header),
      baseOffset,
    });
    if (entry.batches.length > REMEMBERED_BATCHES) entry.batches.shift();
  }

  /** The highest producer id seen, so ids handed out after a restart never collide with stored ones. */
  maxProducerId(): number {
    let max = -1;
    for (const id of this.producers.keys()) max = Math.max(max, id);
    return max;
  }
}
