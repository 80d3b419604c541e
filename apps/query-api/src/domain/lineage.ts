import type { OffsetPosition } from './as-of';
import type { Author, LogPosition, Verdict } from './labels';
import type { ArtifactKind } from './node-id';

/** The API's picture of reviews, retractions, runs, steps and releases (see labels.ts for labels). */

export interface Review {
  labelId: string;
  verdict: Verdict;
  reviewer: Author;
  comment: string | null;
  position: LogPosition;
}

export interface Retraction {
  labelId: string;
  reason: string | null;
  position: LogPosition;
}

export interface ArtifactRef {
  kind: ArtifactKind;
  id: string;
  version: string | null;
}

export interface Run {
  runId: string;
  job: { namespace: string; name: string };
  parentRunId: string | null;
  codeVersion: string | null;
  parameters: unknown;
  status: 'RUNNING' | 'COMPLETED' | 'FAILED' | 'ABORTED';
  startedAt: string;
  endedAt: string | null;
}

export interface Step {
  stepId: string;
  runId: string;
  operation: { name: string; version: string };
  parameters: unknown;
  inputs: ArtifactRef[];
  outputs: ArtifactRef[];
  inputRecords: number | null;
  outputRecords: number | null;
  startedAt: string;
  endedAt: string;
}

/** A frozen release, as SnapshotFrozen recorded it. */
export interface Release {
  snapshotId: string;
  name: string;
  /** The namespace whose items it holds, or `*` for every namespace; only keys seeing it see the release. */
  namespace: string;
  dataset: string | null;
  task: string | null;
  strategy: string;
  offsets: OffsetPosition[];
  asOfTime: string | null;
  manifestSha256: string;
  itemCount: number;
  labelCount: number;
  createdAt: string;
}

/** One node of a lineage graph: an artifact (`artifact:<kind>:<id>[@<version>]`) or a step (`step:<uuid>`). */
export interface LineageNode {
  id: string;
  kind: 'artifact' | 'step';
  /** Steps away from the root (an artifact and the steps touching it are one step apart). */
  depth: number;
  attributes: Record<string, unknown>;
}

/** Data flow: an input artifact → its step, or a step → its output artifact. */
export interface LineageEdge {
  from: string;
  to: string;
}

export interface LineageGraph {
  root: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
  truncated: boolean;
}

/**
 * Unions traversals (upstream and downstream, or from several versions of an artifact) into one
 * graph: each node once at its smallest depth, ordered by depth then id so paging is stable, cut
 * at `nodeCap` (then truncated, and edges to cut nodes dropped).
 */
export function mergeLineageGraphs(
  root: string,
  graphs: readonly LineageGraph[],
  nodeCap: number,
): LineageGraph {
  const nodes = new Map<string, LineageNode>();
  for (const node of graphs.flatMap((graph) => graph.nodes)) {
    const known = nodes.get(node.id);
    if (!known || node.depth < known.depth) nodes.set(node.id, node);
  }
  const ordered = [...nodes.values()].sort(
    (a, b) => a.depth - b.depth || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const kept = ordered.slice(0, nodeCap);
  const keptIds = new Set(kept.map((node) => node.id));
  const edges = new Map<string, LineageEdge>();
  for (const edge of graphs.flatMap((graph) => graph.edges)) {
    if (keptIds.has(edge.from) && keptIds.has(edge.to)) edges.set(`${edge.from}\u0000${edge.to}`, edge);
  }
  return {
    root,
    nodes: kept,
    edges: [...edges.values()],
    truncated: ordered.length > nodeCap || graphs.some((graph) => graph.truncated),
  };
}
