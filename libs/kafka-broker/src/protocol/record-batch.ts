import { gunzipSync } from 'node:zlib';
import { crc32c } from './crc32c';
import { Reader } from './primitives';

/** Size of the fixed RecordBatch v2 header, up to and including recordCount. */
export const BATCH_HEADER_SIZE = 61;
/** batchLength counts the bytes after baseOffset (8) and batchLength (4). */
export const BATCH_LENGTH_PREFIX = 12;
const MAGIC_OFFSET = 16;
const CRC_OFFSET = 17;
const CRC_COVERED_FROM = 21;

export const Codec = { NONE: 0, GZIP: 1, SNAPPY: 2, LZ4: 3, ZSTD: 4 } as const;

export interface BatchHeader {
  baseOffset: number;
  /** Whole batch size in bytes, including baseOffset and batchLength. */
  size: number;
  magic: number;
  crc: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** Why a stored or produced batch is refused; recovery truncates at the first one. */
export class InvalidBatchError extends Error {}

const int64At = (buffer: Buffer, at: number) => Number(buffer.readBigInt64BE(at));

/** Reads the fixed header at `at`; `buffer` needs only the first 61 bytes of the batch. */
export function readBatchHeader(buffer: Buffer, at = 0): BatchHeader {
  if (buffer.length - at < BATCH_HEADER_SIZE) throw new InvalidBatchError('truncated batch header');
  const magic = buffer.readInt8(at + MAGIC_OFFSET);
  if (magic !== 2) throw new InvalidBatchError(`record batch magic ${magic}, only v2 is supported`);
  const header: BatchHeader = {
    baseOffset: int64At(buffer, at),
    size: buffer.readInt32BE(at + 8) + BATCH_LENGTH_PREFIX,
    magic,
    crc: buffer.readUInt32BE(at + CRC_OFFSET),
    attributes: buffer.readInt16BE(at + 21),
    lastOffsetDelta: buffer.readInt32BE(at + 23),
    baseTimestamp: int64At(buffer, at + 27),
    maxTimestamp: int64At(buffer, at + 35),
    producerId: int64At(buffer, at + 43),
    producerEpoch: buffer.readInt16BE(at + 51),
    baseSequence: buffer.readInt32BE(at + 53),
    recordCount: buffer.readInt32BE(at + 57),
  };
  if (header.size < BATCH_HEADER_SIZE)
    throw new InvalidBatchError(`batch length ${header.size} below header size`);
  if (header.lastOffsetDelta < 0 || header.recordCount < 0)
    throw new InvalidBatchError('negative record count');
  return header;
}

export function hasValidCrc(buffer: Buffer, at: number, header: BatchHeader): boolean {
  return crc32c(buffer, at + CRC_COVERED_FROM, at + header.size) === header.crc;
}

/**
 * Splits a produced record set into its batches, checking each is whole, v2 and intact. The batches
 * are views into `records`, so the caller can patch base offsets and store the bytes as they are.
 */
export function splitBatches(records: Buffer): { header: BatchHeader; bytes: Buffer }[] {
  const batches: { header: BatchHeader; bytes: Buffer }[] = [];
  let at = 0;
  while (at < records.length) {
    const header = readBatchHeader(records, at);
    if (at + header.size > records.length) throw new InvalidBatchError('record set ends inside a batch');
    if (!hasValidCrc(records, at, header)) throw new InvalidBatchError('record batch CRC mismatch');
    batches.push({ header, bytes: records.subarray(at, at + header.size) });
    at += header.size;
  }
  if (batches.length === 0) throw new InvalidBatchError('empty record set');
  return batches;
}

export const codecOf = (header: BatchHeader): number => header.attributes & 0x07;

/**
 * The (offsetDelta, timestamp) of every record in an uncompressed or gzip batch, for time lookups
 * finer than a batch. Other codecs return null: the caller falls back to batch granularity.
 */
export function recordTimestamps(batch: Buffer): { offsetDelta: number; timestamp: number }[] | null {
  const header = readBatchHeader(batch);
  const codec = codecOf(header);
  if (codec !== Codec.NONE && codec !== Codec.GZIP) return null;
  const body = batch.subarray(BATCH_HEADER_SIZE, header.size);
  const reader = new Reader(codec === Codec.GZIP ? gunzipSync(body) : body);
  const timestamps: { offsetDelta: number; timestamp: number }[] = [];
  for (let i = 0; i < header.recordCount; i++) {
    const length = reader.varlong();
    const end = reader.offset + length;
    reader.int8(); // attributes
    const timestamp = header.baseTimestamp + reader.varlong();
    const offsetDelta = reader.varlong();
    timestamps.push({ offsetDelta, timestamp });
    reader.offset = end;
  }
  return timestamps;
}
