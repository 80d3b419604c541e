import { describe, expect, it } from 'vitest';
import {
  dagElements,
  labelDetails,
  labelStates,
  payloadSummary,
  stateText,
  strikeThrough,
  timelineOf,
} from './label-dag';
import type { LabelHistory, LabelNode } from './types';

const at = (second: number) => `2026-01-01T00:00:${String(second).padStart(2, '0')}.000Z`;

function label(labelId: string, second: number, parents: string[] = []): LabelNode {
  return {
    labelId,
    itemId: 'img-1',
    task: 'class',
    payload: { class: labelId },
    author: { kind: 'HUMAN', id: `ann-${labelId}` },
    confidence: null,
    tool: 'label-studio',
    guidelineVersion: 'v1',
    parents,
    reason: parents.length ? 'fix' : null,
    position: { partition: 0, offset: second, eventTime: at(second) },
  };
}

// a → b → c with b retracted (c is the leaf); d a second root, rejected and still a leaf.
const history: LabelHistory = {
  itemId: 'img-1',
  nodes: [label('a', 2), label('b', 3, ['a']), label('c', 4, ['b']), label('d', 5)],
  edges: [
    { child: 'b', parent: 'a' },
    { child: 'c', parent: 'b' },
  ],
  leaves: ['c', 'd'],
  reviews: [
    {
      labelId: 'd',
      verdict: 'APPROVED',
      reviewer: { kind: 'HUMAN', id: 'r1' },
      comment: null,
      position: { partition: 0, offset: 6, eventTime: at(6) },
    },
    {
      labelId: 'd',
      verdict: 'REJECTED',
      reviewer: { kind: 'HUMAN', id: 'r2' },
      comment: null,
      position: { partition: 0, offset: 8, eventTime: at(8) },
    },
  ],
  retractions: [{ labelId: 'b', reason: 'mistake', position: { partition: 0, offset: 7, eventTime: at(7) } }],
  authors: [],
  tools: [],
};

describe('dagElements', () => {
  const elements = dagElements(history);
  const node = (id: string) => elements.find((element) => element.data.id === id)!;

  it('marks leaves, retracted labels and labels whose latest review rejected them', () => {
    expect(node('a').classes).toBe('');
    expect(node('b').classes).toBe('retracted');
    expect(node('c').classes).toBe('leaf');
    expect(node('d').classes).toBe('leaf rejected');
  });

  it('strikes through the text of retracted labels only', () => {
    expect(node('b').data.label).toBe(strikeThrough('{"class":"b"}\nann-b'));
    expect(node('c').data.label).toBe('{"class":"c"}\nann-c');
  });

  it('draws edges from a label to the correction that supersedes it', () => {
    const edges = elements.filter((element) => element.group === 'edges').map((element) => element.data);
    expect(edges).toEqual([
      { id: 'a->b', source: 'a', target: 'b' },
      { id: 'b->c', source: 'b', target: 'c' },
    ]);
  });

  it('puts author, tool, time, correction reason, review and retraction in the hover details', () => {
    expect(node('b').data.details).toBe(
      [
        'class: {"class":"b"}',
        'author: human ann-b',
        `tool: label-studio`,
        `time: ${at(3)}`,
        'correction: fix',
        `retracted at ${at(7)}: mistake`,
      ].join('\n'),
    );
    expect(node('d').data.details).toContain('latest review: rejected by r2');
  });
});

describe('dagElements positions', () => {
  // bert → alice; chen and alice consolidated into erin: erin goes below alice, not beside her.
  const consolidation: LabelHistory = {
    ...history,
    nodes: [
      label('bert', 1),
      label('alice', 2, ['bert']),
      label('chen', 3),
      label('erin', 4, ['chen', 'alice']),
    ],
    edges: [
      { child: 'alice', parent: 'bert' },
      { child: 'erin', parent: 'chen' },
      { child: 'erin', parent: 'alice' },
    ],
  };

  it('puts every label a row below its lowest parent, rows centred and in log order', () => {
    const positions = Object.fromEntries(
      dagElements(consolidation)
        .filter((element) => element.group === 'nodes')
        .map((element) => [element.data.id, element.position]),
    );
    expect(positions).toEqual({
      bert: { x: -100, y: 0 },
      chen: { x: 100, y: 0 },
      alice: { x: 0, y: 110 },
      erin: { x: 0, y: 220 },
    });
  });
});

describe('stateText', () => {
  it('says leaf, corrected or retracted, and adds a rejection', () => {
    expect(labelStates(history).map(stateText)).toEqual([
      'corrected',
      'retracted',
      'leaf',
      'leaf · rejected',
    ]);
  });
});

describe('timelineOf', () => {
  it('lists registration, labels, reviews and retractions once each, oldest first', () => {
    expect(timelineOf(history, at(1))).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map(at));
    expect(timelineOf({ ...history, nodes: [label('a', 2), label('a2', 2)] }, at(2))).toEqual(
      [2, 6, 7, 8].map(at),
    );
  });
});

describe('labelDetails and payloadSummary', () => {
  it('shortens long payloads and shows confidence when a model gave one', () => {
    expect(payloadSummary('x'.repeat(40), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(payloadSummary('plain text')).toBe('plain text');
    expect(labelDetails({ ...label('m', 1), confidence: 0.9, tool: null })).toContain('confidence: 0.9');
    expect(labelDetails({ ...label('m', 1), tool: null })).toContain('tool: —');
  });
});
