import { describe, expect, it } from 'vitest';
import { encodeWithKafkajs } from '../testing/kafkajs-record-batch';
import { crc32c } from './crc32c';
import { InvalidBatchError, readBatchHeader, recordTimestamps, splitBatches } from './record-batch';

const messages = (count: number, firstTimestamp: number) =>
  Array.from({ length: count }, (_, i) => ({
    key: `k${i}`,
    value: `value-${i}`,
    timestamp: firstTimestamp + i * 10,
  }));

describe('crc32c', () => {
  it('matches the Castagnoli check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(Buffer.alloc(0))).toBe(0);
  });
});

describe('record batches', () => {
  it('reads the header kafkajs wrote', async () => {
    const batch = await encodeWithKafkajs(messages(5, 1_000), { producerId: 7, baseSequence: 12 });
    expect(readBatchHeader(batch)).toMatchObject({
      baseOffset: 0,
      size: batch.length,
      magic: 2,
      lastOffsetDelta: 4,
      baseTimestamp: 1_000,
      maxTimestamp: 1_040,
      producerId: 7,
      baseSequence: 12,
      recordCount: 5,
    });
  });

  it('splits a record set into its batches and verifies their CRCs', async () => {
    const first = await encodeWithKafkajs(messages(3, 0));
    const second = await encodeWithKafkajs(messages(2, 100), { gzip: true });
    const batches = splitBatches(Buffer.concat([first, second]));
    expect(batches.map((batch) => [batch.header.recordCount, batch.bytes.length])).toEqual([
      [3, first.length],
      [2, second.length],
    ]);
  });

  it('refuses corrupt, truncated, and old-format record sets', async () => {
    const batch = await encodeWithKafkajs(messages(3, 0));
    const corrupt = Buffer.from(batch);
    corrupt[corrupt.length - 2] ^= 0xff;
    expect(() => splitBatches(corrupt)).toThrow(/CRC/);
    expect(() => splitBatches(batch.subarray(0, batch.length - 1))).toThrow(InvalidBatchError);
    expect(() => splitBatches(batch.subarray(0, 40))).toThrow(/truncated/);
    const oldMagic = Buffer.from(batch);
    oldMagic[16] = 1;
    expect(() => splitBatches(oldMagic)).toThrow(/magic 1/);
    expect(() => splitBatches(Buffer.alloc(0))).toThrow(/empty/);
  });

  it('accepts a patched base offset: the CRC does not cover it', async () => {
    const batch = await encodeWithKafkajs(messages(3, 0));
    batch.writeBigInt64BE(123_456n, 0);
    expect(splitBatches(batch)[0].header.baseOffset).toBe(123_456);
  });

  it.each([false, true])('lists record timestamps (gzip: %s)', async (gzip) => {
    const batch = await encodeWithKafkajs(messages(4, 5_000), { gzip });
    expect(recordTimestamps(batch)).toEqual([
      { offsetDelta: 0, timestamp: 5_000 },
      { offsetDelta: 1, timestamp: 5_010 },
      { offsetDelta: 2, timestamp: 5_020 },
      { offsetDelta: 3, timestamp: 5_030 },
    ]);
  });

  it('leaves codecs it does not decompress to batch granularity', async () => {
    const batch = await encodeWithKafkajs(messages(2, 0));
    batch.writeInt16BE(3, 21); // lz4
    expect(recordTimestamps(batch)).toBeNull();
  });
});
