import type { OffsetPosition } from './as-of';
import type { Author, LogPosition, Verdict } from './labels';
import type { LineageGraph as ViewsLineageGraph } from '@strata/views';
import { formatNodeId, type ArtifactKind } from './node-id';

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

/**
 * An input or output of a step. `sampleGroups`, when the step paired its inputs with its outputs: the
 * sample groups the artifact is in; an output was made from the inputs that share a group with it.
 */
export interface StepArtifactRef extends ArtifactRef {
  sampleGroups?: number[];
}

/**
 * For each output of a step, the inputs it was made from, in input order: those sharing a sample
 * group with it and those of the whole step (no groups); every input for an output without groups.
 * Indexed once per step: a step of 1000 paired samples is 1000 lookups, not 1000 × 1000 comparisons.
 */
export function inputsMadeInto(step: Pick<Step, 'inputs'>): (output: StepArtifactRef) => StepArtifactRef[] {
  const wholeStep: number[] = [];
  const byGroup = new Map<number, number[]>();
  step.inputs.forEach((input, at) => {
    if (!input.sampleGroups) wholeStep.push(at);
    for (const group of input.sampleGroups ?? []) {
      const inputs = byGroup.get(group);
      if (inputs) inputs.push(at);
      else byGroup.set(group, [at]);
    }
  });
  return (output) => {
    if (!output.sampleGroups) return step.inputs;
    const made = new Set(wholeStep);
    for (const group of output.sampleGroups) for (const at of byGroup.get(group) ?? []) made.add(at);
    return [...made].sort((a, b) => a - b).map((at) => step.inputs[at]);
  };
}

export interface Step {
  stepId: string;
  runId: string;
  operation: { name: string; version: string };
  parameters: unknown;
  inputs: StepArtifactRef[];
  outputs: StepArtifactRef[];
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
 * The views' walk as the API's graph: node ids clients can follow, edges in data-flow direction, and
 * nodes in the walk's order (nearest first), so a graph cut at N nodes is the first N nodes of the
 * whole graph and pages slice one stable list.
 */
export function lineageGraphOf(root: string, walk: ViewsLineageGraph): LineageGraph {
  const artifactIds = new Map(
    walk.artifacts.map((a) => [
      a.artifactKey,
      formatNodeId({
        kind: 'artifact',
        artifactKind: a.kind as ArtifactKind,
        id: a.artifactId,
        version: a.version,
      }),
    ]),
  );
  const ranked = [
    ...walk.artifacts.map((a) => ({
      rank: a.rank,
      node: {
        id: artifactIds.get(a.artifactKey)!,
        kind: 'artifact' as const,
        depth: a.depth,
        attributes: { kind: a.kind, id: a.artifactId, version: a.version },
      },
    })),
    ...walk.steps.map((step) => ({
      rank: step.rank,
      node: {
        id: `step:${step.stepId}`,
        kind: 'step' as const,
        depth: step.depth,
        attributes: {
          runId: step.runId,
          operation: { name: step.operationName, version: step.operationVersion },
        },
      },
    })),
  ];
  return {
    root,
    nodes: ranked.sort((a, b) => a.rank - b.rank).map(({ node }) => node),
    edges: walk.edges.flatMap((edge) => {
      const artifact = artifactIds.get(edge.artifactKey);
      if (!artifact) return [];
      const step = `step:${edge.stepId}`;
      return [edge.direction === 'INPUT' ? { from: artifact, to: step } : { from: step, to: artifact }];
    }),
    truncated: walk.truncated,
  };
}
