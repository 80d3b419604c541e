import { Injectable } from '@nestjs/common';
import type { LineageGraph as LineageWalk } from '@strata/views';
import { BadParameterError, NotFoundError } from '../common/errors';
import { limits } from '../common/limits';
import type { ReadScope } from '../domain/read-scope';
import { lineageGraphOf, type Run, type Step } from '../domain/lineage';
import { pageOfGraph, type LineagePageRequest } from '../domain/lineage-page';
import { formatNodeId, type NodeId } from '../domain/node-id';
import { ItemsRepository } from '../repositories/items.repository';
import { LabelsRepository } from '../repositories/labels.repository';
import { LineageRepository, type Direction, type LineageStart } from '../repositories/lineage.repository';
import { ProvRepository } from '../repositories/prov.repository';

export type { Direction };

export interface LineageRequest {
  node: NodeId;
  direction: Direction;
  depth: number;
  page: LineagePageRequest;
}

export interface ProvenanceStep {
  depth: number;
  step: Step;
  run: Run | null;
}

@Injectable()
export class LineageService {
  constructor(
    private readonly lineage: LineageRepository,
    private readonly items: ItemsRepository,
    private readonly labels: LabelsRepository,
    private readonly prov: ProvRepository,
  ) {}

  async graph(scope: ReadScope, { node, direction, depth, page }: LineageRequest) {
    const start = await this.startOf(scope, node);
    // One node past the page tells whether another page exists without counting the whole graph.
    const nodeCap = page.skip + page.limit + 1;
    const walk = await this.lineage.graph(scope, start, direction, depth, nodeCap);
    return pageOfGraph(lineageGraphOf(formatNodeId(node), this.found(node, walk)), page);
  }

  /** The transformation steps upstream of an item, nearest first, each with its run. */
  async provenanceOf(scope: ReadScope, itemId: string, depth: number) {
    const item = await this.items.find(scope, itemId);
    if (!item) throw new NotFoundError('item', itemId);
    const { steps, truncated } = await this.stepsUpstream(scope, { kind: 'item', itemId }, depth);
    return { itemId, contentHash: item.contentHash, steps, truncated };
  }

  /** Steps upstream of a node with their runs, nearest first (shared with PROV documents). */
  async stepsUpstream(
    scope: ReadScope,
    node: NodeId,
    depth: number,
  ): Promise<{ steps: ProvenanceStep[]; truncated: boolean }> {
    const start = await this.startOf(scope, node);
    const walk = this.found(
      node,
      await this.lineage.graph(scope, start, 'upstream', depth, limits.provenanceNodes),
    );
    const depthOf = new Map(walk.steps.map((step) => [step.stepId, step.depth]));
    // Of a step that paired its samples, the part the walk went through: the samples upstream of the node.
    const parts = walk.steps.map(({ stepId, sampleGroups }) => ({ stepId, sampleGroups }));
    const steps = await this.prov.steps(scope, { steps: parts }, limits.provenanceNodes);
    const runs = new Map(
      (await this.prov.runs(scope, [...new Set(steps.map((step) => step.runId))])).map((run) => [
        run.runId,
        run,
      ]),
    );
    return {
      steps: steps
        .map((step) => ({ depth: depthOf.get(step.stepId) ?? 0, step, run: runs.get(step.runId) ?? null }))
        .sort((a, b) => a.depth - b.depth || (a.step.endedAt < b.step.endedAt ? 1 : -1)),
      truncated: walk.truncated,
    };
  }

  /** An artifact no visible step names does not exist (404); an item or run without lineage has an empty one. */
  private found(node: NodeId, walk: LineageWalk | undefined): LineageWalk {
    if (walk) return walk;
    if (node.kind === 'artifact') throw new NotFoundError('artifact', formatNodeId(node));
    return { artifacts: [], steps: [], edges: [], truncated: false };
  }

  /** The artifacts a node stands for in the lineage graph; 404 when the node does not exist then. */
  private async startOf(scope: ReadScope, node: NodeId): Promise<LineageStart> {
    switch (node.kind) {
      case 'item':
        if (!(await this.items.find(scope, node.itemId))) throw new NotFoundError('item', node.itemId);
        return { kind: 'artifact', artifactKind: 'ITEM', id: node.itemId, version: null };
      case 'label': {
        // A label annotates its item: its lineage is the item's.
        const itemId = await this.labels.itemOf(scope, node.labelId);
        if (itemId === undefined) throw new NotFoundError('label', node.labelId);
        return { kind: 'artifact', artifactKind: 'ITEM', id: itemId, version: null };
      }
      case 'run':
        if ((await this.prov.runs(scope, [node.runId])).length === 0)
          throw new NotFoundError('run', node.runId);
        return { kind: 'run', runId: node.runId };
      case 'artifact':
        return node;
      case 'snapshot':
        throw new BadParameterError(
          'node',
          'a release has no lineage graph; see /v1/prov?node=snapshot:<id>',
        );
    }
  }
}
