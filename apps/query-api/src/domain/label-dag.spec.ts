import { describe, expect, it } from 'vitest';
import { contributorsOf, relativesOf, type LabelDag } from './label-dag';
import { labelNode } from './label-fixtures';

// a ← b ← d and a ← c ← d (d consolidates b and c), e is unrelated
const [a, b, c, d, e] = [1, 2, 3, 4, 5].map((offset) => labelNode(offset, {}));
const dag: LabelDag = {
  itemId: 'img-1',
  nodes: [a, b, c, { ...d, author: { kind: 'MODEL', id: 'm' }, tool: null }, e],
  edges: [
    { child: b.labelId, parent: a.labelId },
    { child: c.labelId, parent: a.labelId },
    { child: d.labelId, parent: b.labelId },
    { child: d.labelId, parent: c.labelId },
  ],
  leaves: [d.labelId, e.labelId],
  reviews: [],
  retractions: [],
};

describe('label DAG', () => {
  it('finds ancestors and descendants through multi-parent consolidations, nearest first', () => {
    expect(relativesOf(dag, d.labelId)).toEqual({
      ancestors: [b.labelId, c.labelId, a.labelId],
      descendants: [],
    });
    expect(relativesOf(dag, a.labelId)).toEqual({
      ancestors: [],
      descendants: [b.labelId, c.labelId, d.labelId],
    });
    expect(relativesOf(dag, e.labelId)).toEqual({ ancestors: [], descendants: [] });
  });

  it('counts the label nodes each author and tool made', () => {
    expect(contributorsOf(dag)).toEqual({
      authors: [
        { kind: 'HUMAN', id: 'ann-1', labels: 4 },
        { kind: 'MODEL', id: 'm', labels: 1 },
      ],
      tools: [{ tool: 'label-studio', labels: 4 }],
    });
  });
});
