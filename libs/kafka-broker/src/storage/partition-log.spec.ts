import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { splitBatches } from '../protocol/record-batch';
import { encodeWithKafkajs } from '../testing/kafkajs-record-batch';
import { PartitionLog } from './partition-log';
import { SyncScheduler } from './sync-scheduler';

const logger = pino({ level: 'silent' });

async function appendMessages(log: PartitionLog, count: number, firstTimestamp: number): Promise<number> {
  const records = await encodeWithKafkajs(
    Array.from({ length: count }, (_, i) => ({ value: `v${i}`, timestamp: firstTimestamp + i })),
  );
  const batches = splitBatches(records);
  return log.append(
    records,
    batches.map((batch) => batch.header),
  );
}

describe('PartitionLog', () => {
  let directory: string;
  const open = (segmentBytes = 1024 ** 3) =>
    PartitionLog.open(directory, segmentBytes, new SyncScheduler(), logger);

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-partition-log-'));
  });

  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('assigns contiguous offsets and reads whole batches from any offset inside them', async () => {
    const log = open();
    expect(await appendMessages(log, 3, 1_000)).toBe(0);
    expect(await appendMessages(log, 2, 2_000)).toBe(3);
    expect(log.logEndOffset).toBe(5);
    const fromMiddle = log.read(4, 1, true);
    expect(splitBatches(Buffer.concat(fromMiddle.chunks)).map((batch) => batch.header.baseOffset)).toEqual([
      3,
    ]);
    expect(splitBatches(Buffer.concat(log.read(0, 1 << 20, true).chunks))).toHaveLength(2);
    expect(log.read(5, 1 << 20, true).size).toBe(0);
    // Past the first partition of a fetch, a batch that does not fit is left for a later fetch.
    const firstBatchSize = log.read(0, 1, true).size;
    expect(log.read(0, firstBatchSize - 1, false)).toEqual({ chunks: [], size: 0 });
    expect(log.read(0, firstBatchSize, false).size).toBe(firstBatchSize);
    expect(log.offsetForTimestamp(1_001)).toEqual({ offset: 1, timestamp: 1_001 });
    expect(log.offsetForTimestamp(1_500)).toEqual({ offset: 3, timestamp: 2_000 });
    expect(log.offsetForTimestamp(9_999)).toBeUndefined();
    log.close();
  });

  it('rolls segments and keeps reading and recovering across them', async () => {
    const log = open(200);
    for (let i = 0; i < 4; i++) await appendMessages(log, 3, 1_000 * i);
    log.close();
    expect(fs.readdirSync(directory).filter((name) => name.endsWith('.log')).length).toBeGreaterThan(1);
    const reopened = open(200);
    expect(reopened.logEndOffset).toBe(12);
    expect(splitBatches(Buffer.concat(reopened.read(7, 1, true).chunks))[0].header.baseOffset).toBe(6);
    expect(reopened.offsetForTimestamp(2_001)).toEqual({ offset: 7, timestamp: 2_001 });
    reopened.close();
  });

  it('truncates a tail batch whose CRC does not match, keeping everything before it', async () => {
    const log = open();
    await appendMessages(log, 3, 0);
    await log.flush(); // the first batch is now indexed, i.e. known whole
    await appendMessages(log, 2, 10);
    log.close();
    const segment = path.join(directory, '00000000000000000000.log');
    const bytes = fs.readFileSync(segment);
    const secondBatchAt = splitBatches(bytes)[0].bytes.length;
    // Corrupt a record byte of the last batch only: its header still looks perfectly valid.
    bytes[bytes.length - 3] ^= 0xff;
    fs.writeFileSync(segment, bytes);
    // An index entry for the unsynced batch would be lost in a crash; drop it as a crash would.
    fs.writeFileSync(path.join(directory, '00000000000000000000.index'), Buffer.alloc(8));

    const recovered = open();
    expect(recovered.logEndOffset).toBe(3);
    expect(fs.statSync(segment).size).toBe(secondBatchAt);
    expect(await appendMessages(recovered, 1, 20)).toBe(3);
    recovered.close();
  });

  it('fsyncs on close only what no earlier sync covered, and on recovery only an unindexed tail', async () => {
    const fsyncSync = vi.spyOn(fs, 'fsyncSync');
    try {
      const log = open();
      await appendMessages(log, 3, 0);
      await log.flush();
      fsyncSync.mockClear();
      log.close();
      expect(fsyncSync).not.toHaveBeenCalled();

      const reopened = open();
      expect(fsyncSync).not.toHaveBeenCalled();
      await appendMessages(reopened, 2, 10);
      reopened.close();
      expect(fsyncSync).toHaveBeenCalledTimes(1);

      // A crash before the second batch was synced: its index entry never reached the disk.
      const indexFile = path.join(directory, '00000000000000000000.index');
      fs.writeFileSync(indexFile, fs.readFileSync(indexFile).subarray(0, 8));
      fsyncSync.mockClear();
      const recovered = open();
      expect(fsyncSync).toHaveBeenCalledTimes(1);
      expect(recovered.logEndOffset).toBe(5);
      recovered.close();
      expect(fsyncSync).toHaveBeenCalledTimes(1);
    } finally {
      fsyncSync.mockRestore();
    }
  });

  it('rebuilds producer state from the stored batches', async () => {
    const log = open();
    const records = await encodeWithKafkajs([{ value: 'x', timestamp: 0 }], {
      producerId: 42,
      baseSequence: 0,
    });
    log.append(records, [splitBatches(records)[0].header]);
    log.close();
    const reopened = open();
    const retry = splitBatches(
      await encodeWithKafkajs([{ value: 'x', timestamp: 0 }], { producerId: 42, baseSequence: 0 }),
    );
    expect(reopened.producers.check(retry[0].header)).toEqual({ outcome: 'duplicate', baseOffset: 0 });
    expect(reopened.producers.maxProducerId()).toBe(42);
    reopened.close();
  });
});
