import type { ElementDefinition } from 'cytoscape';
import { layeredPositions } from './layered-layout';
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

/**
 * Artifacts that touch exactly the same steps the same way (say, the 400 items one step turned into
 * 400 others) cannot be told apart in a picture; more than this many are drawn as one node.
 */
export const siblingGroupThreshold = 8;

interface SiblingGroup {
  id: string;
  kind: string;
  members: LineageNode[];
}

/** Groups of interchangeable artifacts larger than `threshold`, and which group each member is in. */
function siblingGroups(graph: LineageGraph, threshold: number) {
  const stepIds = new Set(graph.nodes.filter((node) => node.kind === 'step').map((node) => node.id));
  const touches = new Map<string, string[]>();
  const touch = (artifact: string, how: string) =>
    touches.set(artifact, [...(touches.get(artifact) ?? []), how]);
  for (const { from, to } of graph.edges) {
    if (stepIds.has(to)) touch(from, `in>${to}`);
    if (stepIds.has(from)) touch(to, `out<${from}`);
  }
  // The artifact the user asked about stays visible; a run's many depth-0 artifacts may be grouped.
  const rootIsArtifact = !graph.root.startsWith('run:');
  const bySignature = new Map<string, SiblingGroup>();
  for (const node of graph.nodes) {
    const signature = touches.get(node.id);
    if (node.kind !== 'artifact' || !signature || (rootIsArtifact && node.depth === 0)) continue;
    const kind = node.attributes.kind ?? 'ARTIFACT';
    const key = `${kind}|${[...signature].sort().join('|')}`;
    const group = bySignature.get(key) ?? { id: `group:${key}`, kind, members: [] };
    group.members.push(node);
    bySignature.set(key, group);
  }
  const groups = [...bySignature.values()].filter((group) => group.members.length > threshold);
  const groupOf = new Map(groups.flatMap((group) => group.members.map((member) => [member.id, group.id])));
  return { groups, groupOf };
}

function groupElement(group: SiblingGroup): ElementDefinition {
  const kind = group.kind.toLowerCase();
  const shown = group.members.slice(0, 10).map((member) => member.id);
  const more = group.members.length - shown.length;
  return {
    group: 'nodes',
    data: {
      id: group.id,
      label: `${group.members.length} ${kind} versions`,
      details: [...shown, ...(more > 0 ? [`… and ${more} more`] : [])].join('\n'),
    },
    classes: [
      'artifact',
      'group',
      `artifact-${kind}`,
      group.members.some((member) => member.depth === 0) ? 'root' : '',
    ]
      .filter(Boolean)
      .join(' '),
  };
}

/** The lineage graph as graph elements laid out in columns, edges in data-flow direction (input → step → output). */
export function lineageElements(graph: LineageGraph, threshold = siblingGroupThreshold): ElementDefinition[] {
  const { groups, groupOf } = siblingGroups(graph, threshold);
  const nodes: ElementDefinition[] = graph.nodes
    .filter((node) => !groupOf.has(node.id))
    .map((node) => ({
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
  const edges = new Map<string, ElementDefinition>();
  for (const edge of graph.edges) {
    const source = groupOf.get(edge.from) ?? edge.from;
    const target = groupOf.get(edge.to) ?? edge.to;
    const id = `${source}->${target}`;
    edges.set(id, { group: 'edges', data: { id, source, target } });
  }
  const drawn = [...nodes, ...groups.map(groupElement)];
  const links = [...edges.values()].map(({ data }) => ({ source: data.source!, target: data.target! }));
  const positions = layeredPositions(
    drawn.map(({ data }) => data.id!),
    links,
    'right',
    { along: 230, across: 70 },
  );
  for (const element of drawn) element.position = positions.get(element.data.id!);
  return [...drawn, ...edges.values()];
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
