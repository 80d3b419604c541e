import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UtcIsoFormatter } from './utc-iso';

const firstMillisOfYear1 = -62_135_596_800_000;
const firstMillisOfYear10000 = 253_402_300_800_000;

describe('UtcIsoFormatter', () => {
  it('formats as toISOString does, in any order, across hours, days, years and 1970', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: firstMillisOfYear1, max: firstMillisOfYear10000 - 1 }),
            // near each other and near hour boundaries, where the kept hour is reused or replaced
            fc.integer({ min: -7_200_000, max: 7_200_000 }).map((ms) => Date.UTC(2026, 0, 1) + ms),
            fc.integer({ min: -7_200_000, max: 7_200_000 }),
          ),
          { maxLength: 50 },
        ),
        (instants) => {
          const formatter = new UtcIsoFormatter();
          for (const ms of instants) expect(formatter.format(ms)).toBe(new Date(ms).toISOString());
        },
      ),
      { numRuns: 500 },
    );
  });

  it('formats the first and last millisecond of an hour and of the range', () => {
    const formatter = new UtcIsoFormatter();
    for (const ms of [
      Date.UTC(2026, 5, 1, 12),
      Date.UTC(2026, 5, 1, 12) - 1,
      Date.UTC(2026, 5, 1, 13) - 1,
      firstMillisOfYear1,
      firstMillisOfYear10000 - 1,
      -1,
      0,
    ])
      expect(formatter.format(ms)).toBe(new Date(ms).toISOString());
  });
});
