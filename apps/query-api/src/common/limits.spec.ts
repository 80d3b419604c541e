import { describe, expect, it } from 'vitest';
import { BadParameterError } from './errors';
import { limits, parseBoundedInteger } from './limits';

describe('parseBoundedInteger', () => {
  const depth = limits.lineageDepth;

  it('defaults when absent and accepts values within bounds', () => {
    expect(parseBoundedInteger(undefined, 'depth', depth)).toBe(depth.fallback);
    expect(parseBoundedInteger('5', 'depth', depth)).toBe(5);
  });

  it.each(['0', '-1', String(depth.max + 1), '1e3', '2.5', '99999999999999', 'ten', ' 5; --'])(
    'rejects %j naming the parameter',
    (raw) => {
      expect(() => parseBoundedInteger(raw, 'depth', depth)).toThrow(BadParameterError);
      expect(() => parseBoundedInteger(raw, 'depth', depth)).toThrow(/^depth: /);
    },
  );
});
