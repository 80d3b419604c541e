import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import {
  BATCH_HEADER_SIZE,
  hasValidCrc,
  InvalidBatchError,
  readBatchHeader,
  type BatchHeader,
} from '../protocol/record-batch';
import { BatchIndex } from './batch-index';

const fsync = promisify(fs.fsync);

/** .index entries: relative offset u32, position u32 (Kafka's layout). */
const OFFSET_ENTRY_SIZE = 8;
/** .timeindex entries: running max timestamp i64, relative offset u32 (Kafka's layout). */
const TIME_ENTRY_SIZE = 12;

export const segmentFileName = (baseOffset: number, extension: string) =>
  `${String(baseOffset).padStart(20, '0')}${extension}`;

/**
 * One segment: an append-only .log of record batches exactly as produced (base offset patched), with
 * its offset and time indexes. Index entries reach disk only after the log bytes they point at were
 * fsynced, so on recovery the indexed prefix is known whole and only the tail needs its CRCs checked.
 */
export class Segment {
  readonly index = new BatchIndex();
  private pendingOffsetEntries: Buffer[] = [];
  private pendingTimeEntries: Buffer[] = [];
  /** Log bytes known to be on disk: an fsync that started after they were written has completed. */
  private syncedSize = 0;
  private closed = false;

  private constructor(
    readonly baseOffset: number,
    private readonly logFd: number,
    private readonly offsetIndexFd: number,
    private readonly timeIndexFd: number,
    public size: number,
    public nextOffset: number,
  ) {}

  static create(directory: string, baseOffset: number): Segment {
    const [logFd, offsetIndexFd, timeIndexFd] = ['.log', '.index', '.timeindex'].map((extension) =>
      fs.openSync(path.join(directory, segmentFileName(baseOffset, extension)), 'a+'),
    );
    return new Segment(baseOffset, logFd, offsetIndexFd, timeIndexFd, 0, baseOffset);
  }

  /**
   * Opens an existing segment, walking its batch headers to rebuild the in-memory index (and feed
   * `onBatch`, e.g. producer state). Batches past the persisted index get their CRC checked; the
   * first invalid or incomplete batch and everything after it is a torn write and is truncated.
   */
  static recover(
    directory: string,
    baseOffset: number,
    logger: Logger,
    onBatch: (header: BatchHeader) => void,
  ): Segment {
    const segment = Segment.create(directory, baseOffset);
    const fileSize = fs.fstatSync(segment.logFd).size;
    const verifiedPositions = segment.readPersistedPositions();
    const headerBuffer = Buffer.allocUnsafe(BATCH_HEADER_SIZE);
    let position = 0;
    let entry = 0;
    let indexedUpTo = 0;
    while (position < fileSize) {
      const indexed = verifiedPositions[entry] === position;
      const header = segment.validBatchAt(position, fileSize, headerBuffer, indexed);
      if (header === undefined || header.baseOffset !== segment.nextOffset) break;
      segment.index.append(header.baseOffset, position, header.maxTimestamp);
      onBatch(header);
      segment.nextOffset += header.lastOffsetDelta + 1;
      position += header.size;
      if (indexed) indexedUpTo = position;
      entry++;
    }
    const torn = position < fileSize;
    if (torn) {
      logger.warn(
        {
          segment: path.join(directory, segmentFileName(baseOffset, '.log')),
          validBytes: position,
          fileSize,
        },
        'truncating torn tail of segment',
      );
      fs.ftruncateSync(segment.logFd, position);
    }
    // Batches past the persisted index may still be only in the page cache; the index rewritten
    // below vouches for them, so they go to disk first.
    if (torn || indexedUpTo < position) fs.fsyncSync(segment.logFd);
    segment.size = position;
    segment.syncedSize = position;
    segment.rewriteIndexes();
    return segment;
  }

  private readPersistedPositions(): number[] {
    const bytes = Buffer.alloc(fs.fstatSync(this.offsetIndexFd).size);
    fs.readSync(this.offsetIndexFd, bytes, 0, bytes.length, 0);
    const positions: number[] = [];
    for (let at = 0; at + OFFSET_ENTRY_SIZE <= bytes.length; at += OFFSET_ENTRY_SIZE) {
      positions.push(bytes.readUInt32BE(at + 4));
    }
    return positions;
  }

  private validBatchAt(
    position: number,
    fileSize: number,
    headerBuffer: Buffer,
    indexed: boolean,
  ): BatchHeader | undefined {
    if (fileSize - position < BATCH_HEADER_SIZE) return undefined;
    fs.readSync(this.logFd, headerBuffer, 0, BATCH_HEADER_SIZE, position);
    try {
      const header = readBatchHeader(headerBuffer);
      if (position + header.size > fileSize) return undefined;
      if (!indexed && !hasValidCrc(this.read(position, header.size), 0, header)) return undefined;
      return header;
    } catch (error) {
      if (error instanceof InvalidBatchError) return undefined;
      throw error;
    }
  }

  private rewriteIndexes(): void {
    fs.ftruncateSync(this.offsetIndexFd, 0);
    fs.ftruncateSync(this.timeIndexFd, 0);
    for (let entry = 0; entry < this.index.length; entry++) this.queueIndexEntry(entry);
    this.flushIndexEntries(this.pendingOffsetEntries.length);
  }

  /** Appends whole batches (already offset-patched) at the end of the log. */
  append(bytes: Buffer, headers: BatchHeader[]): void {
    let position = this.size;
    fs.writeSync(this.logFd, bytes);
    for (const header of headers) {
      this.index.append(header.baseOffset, position, header.maxTimestamp);
      this.queueIndexEntry(this.index.length - 1);
      position += header.size;
      this.nextOffset = header.baseOffset + header.lastOffsetDelta + 1;
    }
    this.size = position;
  }

  private queueIndexEntry(entry: number): void {
    const relativeOffset = this.index.baseOffsetAt(entry) - this.baseOffset;
    const offsetEntry = Buffer.allocUnsafe(OFFSET_ENTRY_SIZE);
    offsetEntry.writeUInt32BE(relativeOffset, 0);
    offsetEntry.writeUInt32BE(this.index.positionAt(entry), 4);
    const timeEntry = Buffer.allocUnsafe(TIME_ENTRY_SIZE);
    timeEntry.writeBigInt64BE(BigInt(this.index.maxTimestampAt(entry)), 0);
    timeEntry.writeUInt32BE(relativeOffset, 8);
    this.pendingOffsetEntries.push(offsetEntry);
    this.pendingTimeEntries.push(timeEntry);
  }

  private flushIndexEntries(count: number): void {
    if (count === 0) return;
    fs.writeSync(this.offsetIndexFd, Buffer.concat(this.pendingOffsetEntries.splice(0, count)));
    fs.writeSync(this.timeIndexFd, Buffer.concat(this.pendingTimeEntries.splice(0, count)));
  }

  read(position: number, length: number): Buffer {
    const buffer = Buffer.allocUnsafe(length);
    const read = fs.readSync(this.logFd, buffer, 0, length, position);
    return read === length ? buffer : buffer.subarray(0, read);
  }

  /** Byte length of the batch at an index entry (the next entry's position tells where it ends). */
  batchSizeAt(entry: number): number {
    const end = entry + 1 < this.index.length ? this.index.positionAt(entry + 1) : this.size;
    return end - this.index.positionAt(entry);
  }

  async sync(): Promise<void> {
    // A segment closed meanwhile (topic deleted, broker stopping) was synced by close().
    if (this.closed) return;
    // Only entries whose bytes were written before this fsync started may follow it to disk.
    const covered = this.pendingOffsetEntries.length;
    const written = this.size;
    await fsync(this.logFd);
    this.syncedSize = Math.max(this.syncedSize, written);
    if (!this.closed) this.flushIndexEntries(covered);
  }

  /**
   * Syncs what is not on disk yet and closes the files. A segment with nothing unsynced is not
   * fsynced again: stopping a broker with many partitions would otherwise block its event loop for
   * one fsync per segment, seconds when the disk is busy.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.syncedSize < this.size) fs.fsyncSync(this.logFd);
    this.flushIndexEntries(this.pendingOffsetEntries.length);
    for (const fd of [this.logFd, this.offsetIndexFd, this.timeIndexFd]) fs.closeSync(fd);
  }
}
