import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors';
import { limits } from '../common/limits';
import type { ReadScope } from '../domain/read-scope';
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

  async document(scope: ReadScope, node: NodeId): Promise<ProvDocumentJson> {
    return buildProvDocument(await this.facts(scope, node));
  }

  private async facts(scope: ReadScope, node: NodeId): Promise<ProvenanceFacts> {
    switch (node.kind) {
      case 'item':
        return this.itemFacts(scope, node.itemId);
      case 'label': {
        const itemId = await this.labels.itemOf(scope, node.labelId);
        if (itemId === undefined) throw new NotFoundError('label', node.labelId);
        return this.itemFacts(scope, itemId);
      }
      case 'run': {
        const runs = await this.prov.runs(scope, [node.runId]);
        if (runs.length === 0) throw new NotFoundError('run', node.runId);
        return {
          ...noFacts,
          runs,
          steps: await this.prov.steps(scope, { runId: node.runId }, limits.provenanceNodes),
        };
      }
      case 'artifact':
        return {
          ...noFacts,
          ...this.stepsAndRuns(
            (await this.lineage.stepsUpstream(scope, node, limits.lineageDepth.max)).steps,
          ),
        };
      case 'snapshot':
        return this.releaseFacts(scope, node.snapshotId);
    }
  }

  private async itemFacts(scope: ReadScope, itemId: string): Promise<ProvenanceFacts> {
    const [item, dag, upstream] = await Promise.all([
      this.items.find(scope, itemId),
      this.labels.dagOf(scope, itemId),
      this.lineage.stepsUpstream(scope, { kind: 'item', itemId }, limits.lineageDepth.max),
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

  /**
   * A release the reader may see and, up to the node cap, the labels of its manifest recomputed at
   * its offsets (the release's namespaces, not the reader's, make the manifest: it is the same for all).
   */
  private async releaseFacts({ visibility }: ReadScope, snapshotId: string): Promise<ProvenanceFacts> {
    const release = await this.snapshots.find(snapshotId, visibility);
    if (!release) throw new NotFoundError('snapshot', snapshotId);
    const memberLabelIds: string[] = [];
    let truncated = false;
    const { scope, selection, strategy } = manifestQueryOf(release);
    const entries = this.trainingSet.manifest(scope, selection, strategy);
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
