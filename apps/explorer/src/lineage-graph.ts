import type { ElementDefinition } from 'cytoscape';
import type { LineageGraph, LineageNode } from './types';

export interface RunSummary {
  runId: string;
  /** Operations of the run's steps in this graph, nearest the root first. */
  operations: string[];
}

const artifactLabel = (node: LineageNode) => {
  const { kind = '', id = '', version } = node.attributes;
  return `${kind.toLowerCase()} ${id}${version ? `\n@${version}` : ''}`;
};

const stepLabel = (node: LineageNode) => {
  const { operation, runId = '' } = node.attributes;
  return `${operation?.name ?? 'step'} ${operation?.version ?? ''}\nrun ${runId.slice(0, 8)}`;
};

/** The lineage graph as graph elements, edges in data-flow direction (input → step → output). */
export function lineageElements(graph: LineageGraph): ElementDefinition[] {
  const nodes: ElementDefinition[] = graph.nodes.map((node) => ({
    group: 'nodes',
    data: {
      id: node.id,
      label: node.kind === 'artifact' ? artifactLabel(node) : stepLabel(node),
      details: `${node.id}\n${node.depth} step${node.depth === 1 ? '' : 's'} from ${graph.root}`,
    },
    classes: [
      node.kind,
      node.kind === 'artifact' ? `artifact-${(node.attributes.kind ?? '').toLowerCase()}` : '',
      node.depth === 0 ? 'root' : '',
    ]
      .filter(Boolean)
      .join(' '),
  }));
  const edges: ElementDefinition[] = graph.edges.map(({ from, to }) => ({
    group: 'edges',
    data: { id: `${from}->${to}`, source: from, target: to },
  }));
  return [...nodes, ...edges];
}

/** The runs whose steps appear in the graph, with those steps' operations. */
export function runsOf(graph: LineageGraph): RunSummary[] {
  const runs = new Map<string, string[]>();
  const steps = graph.nodes
    .filter((node) => node.kind === 'step' && node.attributes.runId)
    .sort((a, b) => a.depth - b.depth);
  for (const step of steps) {
    const runId = step.attributes.runId!;
    runs.set(runId, [...(runs.get(runId) ?? []), step.attributes.operation?.name ?? 'step']);
  }
  return [...runs.entries()].map(([runId, operations]) => ({ runId, operations }));
}

/** The node id of the lineage API for an artifact or run node of a graph, to re-root the view there. */
export function lineageTarget(node: LineageNode): string | undefined {
  if (node.kind === 'artifact') return node.id;
  return node.attributes.runId ? `run:${node.attributes.runId}` : undefined;
}
