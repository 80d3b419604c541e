import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors';
import { limits } from '../common/limits';
import type { ViewAsOf } from '../domain/as-of';
import type { NodeId } from '../domain/node-id';
import { buildProvDocument, type ProvDocumentJson, type ProvenanceFacts } from '../domain/prov-json';
import { ItemsRepository } from '../repositories/items.repository';
import { LabelsRepository } from '../repositories/labels.repository';
import { ProvRepository } from '../repositories/prov.repository';
import { SnapshotsRepository } from '../repositories/snapshots.repository';
import { LineageService, type ProvenanceStep } from './lineage.service';
import { manifestQueryOf } from './snapshots.service';
import { TrainingSetService } from './training-set.service';

const noFacts: ProvenanceFacts = { items: [], labels: [], reviews: [], retractions: [], runs: [], steps: [] };

/** Gathers what the views know about a node's provenance and renders it as PROV-JSON. */
@Injectable()
export class ProvService {
  constructor(
    private readonly items: ItemsRepository,
    private readonly labels: LabelsRepository,
    private readonly lineage: LineageService,
    private readonly prov: ProvRepository,
    private readonly snapshots: SnapshotsRepository,
    private readonly trainingSet: TrainingSetService,
  ) {}

  async document(asOf: ViewAsOf, node: NodeId): Promise<ProvDocumentJson> {
    return buildProvDocument(await this.facts(asOf, node));
  }

  private async facts(asOf: ViewAsOf, node: NodeId): Promise<ProvenanceFacts> {
    switch (node.kind) {
      case 'item':
        return this.itemFacts(asOf, node.itemId);
      case 'label': {
        const itemId = await this.labels.itemOf(asOf, node.labelId);
        if (itemId === undefined) throw new NotFoundError('label', node.labelId);
        return this.itemFacts(asOf, itemId);
      }
      case 'run': {
        const runs = await this.prov.runs(asOf, [node.runId]);
        if (runs.length === 0) throw new NotFoundError('run', node.runId);
        return {
          ...noFacts,
          runs,
          steps: await this.prov.steps(asOf, { runId: node.runId }, limits.provenanceNodes),
        };
      }
      case 'artifact':
        return {
          ...noFacts,
          ...this.stepsAndRuns((await this.lineage.stepsUpstream(asOf, node, limits.lineageDepth.max)).steps),
        };
      case 'snapshot':
        return this.releaseFacts(node.snapshotId);
    }
  }

  private async itemFacts(asOf: ViewAsOf, itemId: string): Promise<ProvenanceFacts> {
    const [item, dag, upstream] = await Promise.all([
      this.items.find(asOf, itemId),
      this.labels.dagOf(asOf, itemId),
      this.lineage.stepsUpstream(asOf, { kind: 'item', itemId }, limits.lineageDepth.max),
    ]);
    if (!item) throw new NotFoundError('item', itemId);
    return {
      items: [item],
      labels: dag.nodes,
      reviews: dag.reviews,
      retractions: dag.retractions,
      ...this.stepsAndRuns(upstream.steps),
    };
  }

  private stepsAndRuns(steps: ProvenanceStep[]): Pick<ProvenanceFacts, 'steps' | 'runs'> {
    const runs = new Map(steps.flatMap(({ run }) => (run ? [[run.runId, run] as const] : [])));
    return { steps: steps.map(({ step }) => step), runs: [...runs.values()] };
  }

  /** A release and, up to the node cap, the labels of its manifest recomputed at its offsets. */
  private async releaseFacts(snapshotId: string): Promise<ProvenanceFacts> {
    const release = await this.snapshots.find(snapshotId);
    if (!release) throw new NotFoundError('snapshot', snapshotId);
    const memberLabelIds: string[] = [];
    let truncated = false;
    const { asOf, selection, strategy } = manifestQueryOf(release);
    const entries = this.trainingSet.manifest(asOf, selection, strategy);
    for await (const entry of entries) {
      if (memberLabelIds.length === limits.provenanceNodes) {
        truncated = true;
        break;
      }
      memberLabelIds.push(entry.labelId);
    }
    return { ...noFacts, release: { release, memberLabelIds, truncated } };
  }
}
