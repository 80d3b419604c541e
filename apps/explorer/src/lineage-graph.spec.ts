import { describe, expect, it } from 'vitest';
import { lineageElements, lineageTarget, runsOf } from './lineage-graph';
import type { LineageGraph } from './types';

const graph: LineageGraph = {
  root: 'item:img-a',
  nodes: [
    {
      id: 'artifact:item:img-a@sha256:1',
      kind: 'artifact',
      depth: 0,
      attributes: { kind: 'ITEM', id: 'img-a', version: 'sha256:1' },
    },
    {
      id: 'step:s2',
      kind: 'step',
      depth: 1,
      attributes: { runId: 'run-ingest', operation: { name: 'export', version: '1.0' } },
    },
    {
      id: 'artifact:file:kept',
      kind: 'artifact',
      depth: 1,
      attributes: { kind: 'FILE', id: 'kept', version: null },
    },
    {
      id: 'step:s1',
      kind: 'step',
      depth: 2,
      attributes: { runId: 'run-ingest', operation: { name: 'filter', version: '2' } },
    },
    {
      id: 'step:t1',
      kind: 'step',
      depth: 2,
      attributes: { runId: 'run-other', operation: { name: 'copy', version: '1' } },
    },
  ],
  edges: [
    { from: 'artifact:file:kept', to: 'step:s2' },
    { from: 'step:s2', to: 'artifact:item:img-a@sha256:1' },
  ],
  truncated: false,
  nextCursor: null,
};

describe('lineageElements', () => {
  const elements = lineageElements(graph);
  const node = (id: string) => elements.find((element) => element.data.id === id)!;

  it('labels artifacts with kind, id and version, and steps with operation and run', () => {
    expect(node('artifact:item:img-a@sha256:1').data.label).toBe('item img-a\n@sha256:1');
    expect(node('artifact:file:kept').data.label).toBe('file kept');
    expect(node('step:s2').data.label).toBe('export 1.0\nrun run-inge');
  });

  it('marks the root and the kinds, and keeps edges in data-flow direction', () => {
    expect(node('artifact:item:img-a@sha256:1').classes).toBe('artifact artifact-item root');
    expect(node('step:s1').classes).toBe('step');
    expect(elements.filter((element) => element.group === 'edges').map((element) => element.data)).toEqual([
      { id: 'artifact:file:kept->step:s2', source: 'artifact:file:kept', target: 'step:s2' },
      {
        id: 'step:s2->artifact:item:img-a@sha256:1',
        source: 'step:s2',
        target: 'artifact:item:img-a@sha256:1',
      },
    ]);
  });
});

describe('lineageElements with many interchangeable artifacts', () => {
  const frame = (index: number, depth = 2) => ({
    id: `artifact:file:frame-${index}`,
    kind: 'artifact' as const,
    depth,
    attributes: { kind: 'FILE', id: `frame-${index}`, version: null },
  });
  const frames = Array.from({ length: 12 }, (_, index) => frame(index));
  const wide: LineageGraph = {
    ...graph,
    nodes: [...graph.nodes, ...frames],
    edges: [...graph.edges, ...frames.map((node) => ({ from: node.id, to: 'step:s1' }))],
  };

  it('draws the inputs of one step that touch nothing else as one node, with one edge', () => {
    const elements = lineageElements(wide);
    const groups = elements.filter((element) => String(element.classes).includes('group'));
    expect(groups).toHaveLength(1);
    expect(groups[0].data.label).toBe('12 file versions');
    expect(groups[0].data.details).toContain('… and 2 more');
    expect(elements.some((element) => element.data.id === 'artifact:file:frame-0')).toBe(false);
    const groupEdges = elements.filter((element) => element.data.source === groups[0].data.id);
    expect(groupEdges.map((edge) => edge.data.target)).toEqual(['step:s1']);
  });

  it('keeps artifacts apart below the threshold, and never hides the root artifact', () => {
    expect(lineageElements(wide, 12).some((element) => String(element.classes).includes('group'))).toBe(
      false,
    );
    const rootAmongSiblings: LineageGraph = {
      ...wide,
      nodes: wide.nodes.map((node) => (node.id === 'artifact:file:frame-0' ? { ...node, depth: 0 } : node)),
    };
    const elements = lineageElements(rootAmongSiblings);
    expect(elements.some((element) => element.data.id === 'artifact:file:frame-0')).toBe(true);
    expect(elements.find((element) => String(element.classes).includes('group'))!.data.label).toBe(
      '11 file versions',
    );
  });
});

describe('runsOf and lineageTarget', () => {
  it('groups steps by run, nearest the root first', () => {
    expect(runsOf(graph)).toEqual([
      { runId: 'run-ingest', operations: ['export', 'filter'] },
      { runId: 'run-other', operations: ['copy'] },
    ]);
  });

  it('re-roots on an artifact itself, and on a step through its run', () => {
    expect(lineageTarget(graph.nodes[2])).toBe('artifact:file:kept');
    expect(lineageTarget(graph.nodes[1])).toBe('run:run-ingest');
    expect(lineageTarget({ id: 'step:x', kind: 'step', depth: 1, attributes: {} })).toBeUndefined();
  });
});
