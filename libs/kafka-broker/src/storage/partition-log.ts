import fs from 'node:fs';
import type { Logger } from 'pino';
import type { BatchHeader } from '../protocol/record-batch';
import { recordTimestamps } from '../protocol/record-batch';
import { ProducerStateTable } from './producer-state';
import { Segment } from './segment';
import type { SyncScheduler } from './sync-scheduler';

export interface ReadResult {
  /** Whole batches starting with the one containing the fetch offset; empty at the log end. */
  chunks: Buffer[];
  size: number;
}

export interface TimestampLookup {
  offset: number;
  timestamp: number;
}

/**
 * The log of one partition: a list of segments, the last one active. Offsets are assigned here;
 * single node, so the high watermark is the log end offset.
 */
export class PartitionLog {
  readonly producers = new ProducerStateTable();
  private readonly appendListeners = new Set<() => void>();

  private constructor(
    private readonly directory: string,
    private readonly segments: Segment[],
    private readonly segmentBytes: number,
    private readonly syncScheduler: SyncScheduler,
  ) {}

  static open(
    directory: string,
    segmentBytes: number,
    syncScheduler: SyncScheduler,
    logger: Logger,
  ): PartitionLog {
    fs.mkdirSync(directory, { recursive: true });
    const baseOffsets = fs
      .readdirSync(directory)
      .filter((name) => name.endsWith('.log'))
      .map((name) => Number(name.slice(0, -4)))
      .sort((a, b) => a - b);
    const log = new PartitionLog(directory, [], segmentBytes, syncScheduler);
    for (const baseOffset of baseOffsets) {
      log.segments.push(
        Segment.recover(directory, baseOffset, logger, (header) =>
          log.producers.record(header, header.baseOffset),
        ),
      );
    }
    if (log.segments.length === 0) log.segments.push(Segment.create(directory, 0));
    return log;
  }

  get logStartOffset(): number {
    return this.segments[0].baseOffset;
  }

  get logEndOffset(): number {
    return this.active.nextOffset;
  }

  private get active(): Segment {
    return this.segments[this.segments.length - 1];
  }

  /**
   * Appends validated batches given as one contiguous buffer, patching each base offset in place.
   * Returns the base offset of the first batch.
   */
  append(bytes: Buffer, headers: BatchHeader[]): number {
    if (this.active.size > 0 && this.active.size + bytes.length > this.segmentBytes) {
      this.syncScheduler.syncLater(this.active);
      this.segments.push(Segment.create(this.directory, this.logEndOffset));
    }
    const baseOffset = this.logEndOffset;
    let nextOffset = baseOffset;
    let at = 0;
    for (const header of headers) {
      bytes.writeBigInt64BE(BigInt(nextOffset), at);
      header.baseOffset = nextOffset;
      this.producers.record(header, nextOffset);
      nextOffset += header.lastOffsetDelta + 1;
      at += header.size;
    }
    this.active.append(bytes, headers);
    for (const listener of this.appendListeners) listener();
    return baseOffset;
  }

  /** Resolves once everything appended so far is on disk (group-committed with other logs). */
  flush(): Promise<void> {
    return this.syncScheduler.sync(this.active);
  }

  flushLater(): void {
    this.syncScheduler.syncLater(this.active);
  }

  /** Calls `listener` after every append until the returned function is called. */
  onAppend(listener: () => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  /**
   * Reads whole batches from `offset` up to `maxBytes`. With `firstBatchMayExceed` the first batch is
   * returned even if it is larger, so a client with a small limit still makes progress. Stops at a
   * segment end; the next fetch continues.
   */
  read(offset: number, maxBytes: number, firstBatchMayExceed: boolean): ReadResult {
    const segment = this.segmentContaining(offset);
    if (offset >= this.logEndOffset || segment === undefined) return { chunks: [], size: 0 };
    const first = segment.index.entryContaining(offset);
    let size = segment.batchSizeAt(first);
    if (size > maxBytes && !firstBatchMayExceed) return { chunks: [], size: 0 };
    for (let entry = first + 1; entry < segment.index.length; entry++) {
      const next = segment.batchSizeAt(entry);
      if (size + next > maxBytes) break;
      size += next;
    }
    return { chunks: [segment.read(segment.index.positionAt(first), size)], size };
  }

  /**
   * The earliest offset whose record timestamp is ≥ `timestamp`. Record-exact for uncompressed and
   * gzip batches; for other codecs the batch's base offset (the broker never decompresses them).
   */
  offsetForTimestamp(timestamp: number): TimestampLookup | undefined {
    for (const segment of this.segments) {
      const entry = segment.index.firstEntryReaching(timestamp);
      if (entry < 0) continue;
      const baseOffset = segment.index.baseOffsetAt(entry);
      const batch = segment.read(segment.index.positionAt(entry), segment.batchSizeAt(entry));
      const match = recordTimestamps(batch)?.find((record) => record.timestamp >= timestamp);
      return match
        ? { offset: baseOffset + match.offsetDelta, timestamp: match.timestamp }
        : { offset: baseOffset, timestamp: segment.index.maxTimestampAt(entry) };
    }
    return undefined;
  }

  private segmentContaining(offset: number): Segment | undefined {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      if (this.segments[i].baseOffset <= offset) return this.segments[i];
    }
    return undefined;
  }

  close(): void {
    for (const segment of this.segments) segment.close();
  }
}
