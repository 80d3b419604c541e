import { describe, expect, it } from 'vitest';
import { BadParameterError } from '../common/errors';
import type { LineageGraph } from './lineage';
import { decodeLineageCursor, encodeLineageCursor, maxLineageNodesPaged, pageOfGraph } from './lineage-page';

const node = (id: string, depth: number) => ({ id, kind: 'artifact' as const, depth, attributes: {} });
// a → s1 → b → s2 → c, plus a → s3
const graph: LineageGraph = {
  root: 'a',
  nodes: ['a', 's1', 's3', 'b', 's2', 'c'].map((id, index) => node(id, Math.ceil(index / 2))),
  edges: [
    { from: 'a', to: 's1' },
    { from: 'a', to: 's3' },
    { from: 's1', to: 'b' },
    { from: 'b', to: 's2' },
    { from: 's2', to: 'c' },
  ],
  truncated: false,
};

describe('lineage paging', () => {
  it('sends every node and every edge exactly once across pages', () => {
    const nodes: string[] = [];
    const edges: string[] = [];
    let skip = 0;
    for (let guard = 0; guard < 10; guard += 1) {
      const page = pageOfGraph(graph, { skip, limit: 2 });
      nodes.push(...page.nodes.map((n) => n.id));
      edges.push(...page.edges.map((e) => `${e.from}>${e.to}`));
      if (!page.nextCursor) {
        expect(page.truncated).toBe(false);
        break;
      }
      expect(page.truncated).toBe(true);
      skip = decodeLineageCursor(page.nextCursor);
    }
    expect(nodes).toEqual(graph.nodes.map((n) => n.id));
    expect(edges.sort()).toEqual(graph.edges.map((e) => `${e.from}>${e.to}`).sort());
  });

  it('keeps the traversal truncation flag when the graph itself was cut', () => {
    expect(pageOfGraph({ ...graph, truncated: true }, { skip: 0, limit: 10 }).truncated).toBe(true);
  });

  it('rejects cursors it did not make, or that page too far', () => {
    expect(decodeLineageCursor(undefined)).toBe(0);
    expect(decodeLineageCursor(encodeLineageCursor(7))).toBe(7);
    for (const bad of [
      'garbage',
      encodeLineageCursor(-1),
      Buffer.from('{"skip":"1"}').toString('base64url'),
    ]) {
      expect(() => decodeLineageCursor(bad)).toThrow(BadParameterError);
    }
    expect(() => decodeLineageCursor(encodeLineageCursor(maxLineageNodesPaged + 1))).toThrow(
      /^cursor: paging stops/,
    );
  });
});
