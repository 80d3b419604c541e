import { describe, expect, it } from 'vitest';
import { BadParameterError } from '../common/errors';
import { formatOffsetVector, parseAsOf } from './as-of';

describe('parseAsOf', () => {
  it('treats absent, empty and "latest" as the latest views', () => {
    expect(parseAsOf(undefined)).toEqual({ kind: 'latest' });
    expect(parseAsOf('')).toEqual({ kind: 'latest' });
    expect(parseAsOf('latest')).toEqual({ kind: 'latest' });
  });

  it('reads ISO times with a zone, and dates as UTC midnight', () => {
    expect(parseAsOf('2026-01-31T12:00:00Z')).toEqual({
      kind: 'time',
      time: new Date('2026-01-31T12:00:00Z'),
    });
    expect(parseAsOf('2026-01-31T12:00:00.250+02:00')).toEqual({
      kind: 'time',
      time: new Date('2026-01-31T10:00:00.250Z'),
    });
    expect(parseAsOf('2026-01-31')).toEqual({ kind: 'time', time: new Date('2026-01-31T00:00:00Z') });
  });

  it('restores a "+" zone that query-string decoding turned into a space', () => {
    expect(parseAsOf('2026-01-31T12:00:00 01:00')).toEqual({
      kind: 'time',
      time: new Date('2026-01-31T11:00:00Z'),
    });
  });

  it('reads offset vectors, with or without the rebuild command\'s "offsets:" prefix', () => {
    const expected = {
      kind: 'offsets',
      offsets: [
        { topic: 'strata.items', partition: 0, offset: 120 },
        { topic: 'strata.items', partition: 1, offset: 98 },
      ],
    };
    expect(parseAsOf('strata.items:0=120,strata.items:1=98')).toEqual(expected);
    expect(parseAsOf('offsets:strata.items:0=120,strata.items:1=98')).toEqual(expected);
  });

  it('reads snapshot references', () => {
    expect(parseAsOf('snapshot:6F9619FF-8B86-4011-B42D-00C04FC964FF')).toEqual({
      kind: 'snapshot',
      snapshotId: '6f9619ff-8b86-4011-b42d-00c04fc964ff',
    });
  });

  it.each([
    'yesterday',
    '2026-13-01',
    '2026-02-30',
    '2026-01-31T12:00:00',
    '2026-01-31T25:00:00Z',
    'strata.items:0',
    'strata.items:x=1',
    'strata.items:0=-1',
    'strata.items:0=1,strata.items:0=2',
    "strata.items:0=1'; DROP TABLE items; --",
    'snapshot:not-a-uuid',
    'strata.items:0=99999999999999999',
  ])('rejects %j with a 400 naming asOf', (raw) => {
    expect(() => parseAsOf(raw)).toThrow(BadParameterError);
    try {
      parseAsOf(raw);
    } catch (error) {
      expect((error as BadParameterError).parameter).toBe('asOf');
    }
  });

  it('formats offset vectors canonically so they round-trip', () => {
    const offsets = [
      { topic: 'strata.runs', partition: 0, offset: 5 },
      { topic: 'strata.items', partition: 1, offset: 7 },
      { topic: 'strata.items', partition: 0, offset: 9 },
    ];
    const text = formatOffsetVector(offsets);
    expect(text).toBe('strata.items:0=9,strata.items:1=7,strata.runs:0=5');
    expect(parseAsOf(text)).toEqual({ kind: 'offsets', offsets: parseAsOfOffsets(text) });
  });
});

function parseAsOfOffsets(text: string) {
  const parsed = parseAsOf(text);
  if (parsed.kind !== 'offsets') throw new Error('expected offsets');
  return parsed.offsets;
}
