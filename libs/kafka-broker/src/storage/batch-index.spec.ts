import { describe, expect, it } from 'vitest';
import { BatchIndex } from './batch-index';

function indexOf(batches: [baseOffset: number, maxTimestamp: number][]): BatchIndex {
  const index = new BatchIndex();
  batches.forEach(([baseOffset, maxTimestamp], i) => index.append(baseOffset, i * 100, maxTimestamp));
  return index;
}

describe('BatchIndex', () => {
  const index = indexOf([
    [0, 1_000],
    [5, 3_000],
    [6, 2_000], // out of order: the running maximum keeps the time index monotonic
    [10, 4_000],
  ]);

  it('finds the batch containing an offset', () => {
    expect([0, 4, 5, 6, 9, 10, 99].map((offset) => index.entryContaining(offset))).toEqual([
      0, 0, 1, 2, 2, 3, 3,
    ]);
    expect(new BatchIndex().entryContaining(0)).toBe(-1);
    expect(indexOf([[10, 0]]).entryContaining(9)).toBe(-1);
  });

  it('finds the first batch holding a timestamp at or after a time', () => {
    expect(
      [0, 1_000, 1_001, 2_500, 3_000, 3_001, 4_000].map((time) => index.firstEntryReaching(time)),
    ).toEqual([0, 0, 1, 1, 1, 3, 3]);
    expect(index.firstEntryReaching(4_001)).toBe(-1);
    expect(index.maxTimestampAt(2)).toBe(3_000);
    expect(index.positionAt(2)).toBe(200);
  });
});
