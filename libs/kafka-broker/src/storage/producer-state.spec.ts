import { describe, expect, it } from 'vitest';
import type { BatchHeader } from '../protocol/record-batch';
import { ProducerStateTable } from './producer-state';

const batch = (
  producerId: number,
  producerEpoch: number,
  baseSequence: number,
  records = 1,
): BatchHeader => ({
  baseOffset: 0,
  size: 100,
  magic: 2,
  crc: 0,
  attributes: 0,
  lastOffsetDelta: records - 1,
  baseTimestamp: 0,
  maxTimestamp: 0,
  producerId,
  producerEpoch,
  baseSequence,
  recordCount: records,
});

function appendAll(table: ProducerStateTable, headers: BatchHeader[]): number {
  let offset = 0;
  for (const header of headers) {
    expect(table.check(header)).toEqual({ outcome: 'append' });
    table.record(header, offset);
    offset += header.recordCount;
  }
  return offset;
}

describe('ProducerStateTable', () => {
  it('appends in-sequence batches and dedupes a retried one with its original offset', () => {
    const table = new ProducerStateTable();
    appendAll(table, [batch(1, 0, 0, 3), batch(1, 0, 3, 2), batch(1, 0, 5, 4)]);
    expect(table.check(batch(1, 0, 3, 2))).toEqual({ outcome: 'duplicate', baseOffset: 3 });
    expect(table.check(batch(1, 0, 9, 1))).toEqual({ outcome: 'append' });
  });

  it('refuses sequence gaps and stale epochs', () => {
    const table = new ProducerStateTable();
    appendAll(table, [batch(1, 2, 0, 3)]);
    expect(table.check(batch(1, 2, 5))).toEqual({ outcome: 'reject', errorCode: 45 });
    expect(table.check(batch(1, 1, 3))).toEqual({ outcome: 'reject', errorCode: 47 });
    expect(table.check(batch(2, 0, 4))).toEqual({ outcome: 'reject', errorCode: 45 }); // unknown producer mid-stream
    expect(table.check(batch(1, 3, 0))).toEqual({ outcome: 'append' }); // a new epoch restarts at 0
    expect(table.check(batch(1, 3, 1))).toEqual({ outcome: 'reject', errorCode: 45 });
  });

  it('forgets batches beyond the last five, and ignores non-idempotent batches', () => {
    const table = new ProducerStateTable();
    appendAll(
      table,
      [0, 1, 2, 3, 4, 5].map((sequence) => batch(1, 0, sequence)),
    );
    expect(table.check(batch(1, 0, 0))).toEqual({ outcome: 'reject', errorCode: 45 });
    expect(table.check(batch(1, 0, 1))).toEqual({ outcome: 'duplicate', baseOffset: 1 });
    expect(table.check(batch(-1, -1, -1))).toEqual({ outcome: 'append' });
    expect(table.maxProducerId()).toBe(1);
  });

  it('wraps sequences at 2^31 - 1', () => {
    const table = new ProducerStateTable();
    table.record(batch(1, 0, 0x7fffffff - 1, 2), 0);
    expect(table.check(batch(1, 0, 0))).toEqual({ outcome: 'append' });
  });
});
