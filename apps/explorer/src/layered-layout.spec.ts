import { describe, expect, it } from 'vitest';
import { layeredPositions, layersOf } from './layered-layout';

const link = (source: string, target: string) => ({ source, target });

describe('layersOf', () => {
  it('puts each node one past its furthest predecessor', () => {
    const layers = layersOf(
      ['a', 'b', 'c', 'd', 'e'],
      [link('a', 'b'), link('b', 'c'), link('a', 'd'), link('c', 'd')],
    );
    expect(Object.fromEntries(layers)).toEqual({ a: 0, b: 1, c: 2, d: 3, e: 0 });
  });

  it('ends on cycles, as an artifact a step reads and writes unchanged makes', () => {
    const layers = layersOf(
      ['item', 'step', 'next'],
      [link('item', 'step'), link('step', 'item'), link('step', 'next')],
    );
    expect(layers.size).toBe(3);
    expect(layers.get('next')).toBeGreaterThan(layers.get('step')!);
  });
});

describe('layeredPositions', () => {
  it('lays layers out as rows flowing down, or as columns flowing right', () => {
    const links = [link('a', 'c'), link('b', 'c')];
    expect(Object.fromEntries(layeredPositions(['a', 'b', 'c'], links, 'down'))).toEqual({
      a: { x: -100, y: 0 },
      b: { x: 100, y: 0 },
      c: { x: 0, y: 110 },
    });
    expect(
      Object.fromEntries(layeredPositions(['a', 'b', 'c'], links, 'right', { along: 10, across: 4 })),
    ).toEqual({
      a: { x: 0, y: -2 },
      b: { x: 0, y: 2 },
      c: { x: 10, y: 0 },
    });
  });
});
