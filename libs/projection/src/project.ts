import type {
  ArtifactRef,
  Envelope,
  ItemRegistered,
  LabelCorrected,
  LabelCreated,
  LabelRetracted,
  LabelReviewed,
  RunCompleted,
  RunStarted,
  SnapshotFrozen,
  StepArtifacts,
  StrataEvent,
  TransformationApplied,
} from '@strata/contracts';
import { PackedItemRefsError, stepArtifacts } from '@strata/contracts';
import { leavesOf } from './leaves';
import { BatchState } from './prior-state';
import type {
  DeadLetter,
  DeadLetterReason,
  EventOrigin,
  EventPosition,
  LineageEdgeRow,
  PositionedEvent,
  PriorStateData,
  ViewChanges,
} from './types';
import { fieldWithNul } from './unstorable-text';

/** Canonical identity of an artifact reference: the same (kind, id, version) always gives the same key. */
export function artifactKeyOf(ref: ArtifactRef): string {
  return JSON.stringify([ref.kind, ref.id, ref.version]);
}

/** JSON text of a string-keyed map with sorted keys, so equal maps give equal text. */
export function canonicalMapJson(map: Record<string, string | number>): string {
  const sorted: Record<string, string | number> = {};
  for (const key of Object.keys(map).sort()) sorted[key] = map[key];
  return JSON.stringify(sorted);
}

export function emptyChanges(): ViewChanges {
  return {
    items: [],
    itemDatasets: [],
    labelNodes: [],
    labelEdges: [],
    labelReviews: [],
    labelRetractions: [],
    leaves: { replacedItemIds: [], rows: [] },
    runs: [],
    runCompletions: [],
    runSteps: [],
    artifacts: [],
    lineageEdges: [],
    snapshots: [],
    deadLetters: [],
    skippedDuplicates: 0,
  };
}

/**
 * Folds one batch of events, in log order, over the prior state it touches (loaded for
 * `footprintOf(events)`) into the row changes of the views. Pure and deterministic. Invalid events
 * become dead letters and the rest of the batch is still applied; an already processed eventId is
 * skipped. Work per event is O(1) amortised, plus one leaf pass per touched item's DAG.
 */
export function projectBatch(events: readonly PositionedEvent[], prior: PriorStateData): ViewChanges {
  return new BatchProjector(prior).project(events);
}

class BatchProjector {
  private readonly state: BatchState;
  private readonly changes = emptyChanges();
  private readonly itemsWithNewLeaves = new Set<string>();
  /** Items with labels stored before the batch: the only ones that may have leaves stored. */
  private readonly itemsWithStoredLabels: Set<string>;
  private readonly newArtifactKeys = new Set<string>();

  constructor(prior: PriorStateData) {
    this.state = new BatchState(prior);
    this.itemsWithStoredLabels = new Set(prior.labels.map((label) => label.itemId));
  }

  project(events: readonly PositionedEvent[]): ViewChanges {
    for (const { position, event } of events) {
      const { eventId } = event.event.envelope;
      if (this.state.processedEventIds.has(eventId)) {
        this.changes.skippedDuplicates++;
        continue;
      }
      this.state.processedEventIds.add(eventId);
      const nulField = fieldWithNul(event.event);
      const rejection = nulField
        ? reject('unstorable_text', `${nulField} contains NUL (\\u0000), which PostgreSQL text cannot store`)
        : this.apply(event, position);
      if (rejection) {
        this.changes.deadLetters.push({
          position,
          // A NUL in the id itself cannot be stored either: the dead letter then has no id, like undecodable bytes.
          eventId: eventId.includes('\u0000') ? null : eventId,
          type: event.type,
          reason: rejection.reason,
          detail: rejection.detail,
        });
      }
    }
    this.recomputeLeaves();
    return this.changes;
  }

  /** Applies one event, or says why it cannot be applied (and then changes nothing). */
  private apply(tagged: StrataEvent, position: EventPosition): Rejection | undefined {
    switch (tagged.type) {
      case 'ItemRegistered':
        return this.registerItem(tagged.event, position);
      case 'LabelCreated':
        return this.createLabel(tagged.event, position);
      case 'LabelCorrected':
        return this.correctLabel(tagged.event, position);
      case 'LabelReviewed':
        return this.reviewLabel(tagged.event, position);
      case 'LabelRetracted':
        return this.retractLabel(tagged.event, position);
      case 'RunStarted':
        return this.startRun(tagged.event, position);
      case 'TransformationApplied':
        return this.applyStep(tagged.event, position);
      case 'RunCompleted':
        return this.completeRun(tagged.event, position);
      case 'SnapshotFrozen':
        return this.freezeSnapshot(tagged.event, position);
    }
  }

  private registerItem(event: ItemRegistered, position: EventPosition): Rejection | undefined {
    if (this.state.itemNamespaces.has(event.itemId)) return reject('item_already_registered', event.itemId);
    this.state.itemNamespaces.set(event.itemId, event.envelope.namespace);
    this.changes.items.push({
      origin: originOf(event.envelope, position),
      itemId: event.itemId,
      uri: event.uri,
      contentHash: event.contentHash,
      mediaType: event.mediaType,
      source: event.source,
      license: event.license,
      attributes: canonicalMapJson(event.attributes),
    });
    for (const dataset of new Set(event.datasets))
      this.changes.itemDatasets.push({ itemId: event.itemId, dataset });
    return undefined;
  }

  private correctLabel(event: LabelCorrected, position: EventPosition): Rejection | undefined {
    const parents = [...new Set(event.parents)];
    const itemProblem = this.itemProblem(event);
    if (itemProblem) return itemProblem;
    if (parents.length === 0) return reject('no_parents', event.labelId);
    if (parents.includes(event.labelId)) return reject('cycle', `${event.labelId} names itself as parent`);
    if (this.state.labels.has(event.labelId)) {
      const closing = parents.find((parent) => this.state.isAncestorOrSelf(event.labelId, parent));
      return closing
        ? reject('cycle', `${event.labelId} is an ancestor of its parent ${closing}`)
        : reject('duplicate_label_id', event.labelId);
    }
    for (const parentId of parents) {
      const parent = this.state.labels.get(parentId);
      if (!parent) return reject('unknown_parent', parentId);
      if (parent.itemId !== event.itemId)
        return reject('parent_of_other_item', `${parentId} of ${parent.itemId}`);
    }
    this.insertLabel(event, parents, event.reason, position);
    return undefined;
  }

  /** Why a label event may not touch its item: the item is unknown, or of another namespace. */
  private itemProblem(event: { itemId: string; envelope: { namespace: string } }): Rejection | undefined {
    const namespace = this.state.itemNamespaces.get(event.itemId);
    if (namespace === undefined) return reject('unknown_item', event.itemId);
    if (namespace !== event.envelope.namespace)
      return reject(
        'namespace_mismatch',
        `item ${event.itemId} is of another namespace than ${event.envelope.namespace}`,
      );
    return undefined;
  }

  private createLabel(event: LabelCreated, position: EventPosition): Rejection | undefined {
    const itemProblem = this.itemProblem(event);
    if (itemProblem) return itemProblem;
    if (this.state.labels.has(event.labelId)) return reject('duplicate_label_id', event.labelId);
    this.insertLabel(event, [], null, position);
    return undefined;
  }

  /** Records a validated label node and its parent edges (a LabelCorrected is a LabelCreated plus parents). */
  private insertLabel(
    event: LabelCreated,
    parents: readonly string[],
    correctionReason: string | null,
    position: EventPosition,
  ): void {
    const { itemId, labelId, task } = event;
    this.state.addLabel({ labelId, itemId, task, parents, retracted: false, latestVerdict: null });
    this.itemsWithNewLeaves.add(itemId);
    this.changes.labelNodes.push({
      origin: originOf(event.envelope, position),
      labelId,
      itemId,
      task,
      payload: event.payload,
      authorKind: event.author.kind,
      authorId: event.author.id,
      tool: event.tool,
      confidence: event.confidence,
      guidelineVersion: event.guidelineVersion,
      correctionReason,
    });
    const { partition, offset } = position;
    for (const parentId of parents) {
      this.changes.labelEdges.push({
        childId: labelId,
        parentId,
        itemId,
        partition,
        offset,
        eventTime: event.envelope.eventTime,
      });
    }
  }

  /** The label a review or retraction names, or why it cannot be acted on. */
  private existingLabel(event: { itemId: string; labelId: string; envelope: { namespace: string } }) {
    const label = this.state.labels.get(event.labelId);
    if (!label) return reject('unknown_label', event.labelId);
    if (label.itemId !== event.itemId)
      return reject('label_of_other_item', `${event.labelId} of ${label.itemId}`);
    return this.itemProblem(event) ?? label;
  }

  private reviewLabel(event: LabelReviewed, position: EventPosition): Rejection | undefined {
    const label = this.existingLabel(event);
    if ('reason' in label) return label;
    label.latestVerdict = event.verdict;
    this.itemsWithNewLeaves.add(label.itemId);
    this.changes.labelReviews.push({
      origin: originOf(event.envelope, position),
      labelId: event.labelId,
      itemId: event.itemId,
      verdict: event.verdict,
      reviewerKind: event.reviewer.kind,
      reviewerId: event.reviewer.id,
      comment: event.comment,
    });
    return undefined;
  }

  private retractLabel(event: LabelRetracted, position: EventPosition): Rejection | undefined {
    const label = this.existingLabel(event);
    if ('reason' in label) return label;
    if (label.retracted) return reject('label_already_retracted', event.labelId);
    label.retracted = true;
    this.itemsWithNewLeaves.add(label.itemId);
    this.changes.labelRetractions.push({
      origin: originOf(event.envelope, position),
      labelId: event.labelId,
      itemId: event.itemId,
      reason: event.reason,
    });
    return undefined;
  }

  private startRun(event: RunStarted, position: EventPosition): Rejection | undefined {
    if (this.state.runs.has(event.runId)) return reject('duplicate_run', event.runId);
    this.state.runs.set(event.runId, { completed: false });
    this.changes.runs.push({
      origin: originOf(event.envelope, position),
      runId: event.runId,
      jobNamespace: event.job.namespace,
      jobName: event.job.name,
      parentRunId: event.parentRunId,
      codeVersion: event.codeVersion,
      parameters: event.parameters,
    });
    return undefined;
  }

  private applyStep(event: TransformationApplied, position: EventPosition): Rejection | undefined {
    if (!this.state.runs.has(event.runId)) return reject('unknown_run', event.runId);
    if (this.state.stepIds.has(event.stepId)) return reject('duplicate_step', event.stepId);
    let artifacts: StepArtifacts;
    try {
      artifacts = stepArtifacts(event);
    } catch (error) {
      if (error instanceof PackedItemRefsError) return reject('malformed_item_refs', error.message);
      throw error;
    }
    this.state.stepIds.add(event.stepId);
    this.changes.runSteps.push({
      origin: originOf(event.envelope, position),
      stepId: event.stepId,
      runId: event.runId,
      operationName: event.operation.name,
      operationVersion: event.operation.version,
      parameters: event.parameters,
      inputRecords: event.inputRecords,
      outputRecords: event.outputRecords,
      metrics: canonicalMapJson(event.metrics),
      startedAt: event.startedAt,
      endedAt: event.endedAt,
    });
    const listed = { INPUT: event.inputs.length, OUTPUT: event.outputs.length };
    const groupOf = (direction: 'INPUT' | 'OUTPUT', at: number): number | null => {
      const groups = direction === 'INPUT' ? artifacts.sampleGroups?.inputs : artifacts.sampleGroups?.outputs;
      return groups && at >= listed[direction] ? groups[at - listed[direction]] : null;
    };
    this.addLineage(event, 'INPUT', artifacts.inputs, groupOf, position);
    this.addLineage(event, 'OUTPUT', artifacts.outputs, groupOf, position);
    return undefined;
  }

  private addLineage(
    event: TransformationApplied,
    direction: 'INPUT' | 'OUTPUT',
    refs: readonly ArtifactRef[],
    groupOf: (direction: 'INPUT' | 'OUTPUT', at: number) => number | null,
    { partition, offset }: EventPosition,
  ): void {
    const seenInStep = new Map<string, LineageEdgeRow>();
    refs.forEach((ref, at) => {
      const artifactKey = artifactKeyOf(ref);
      const group = groupOf(direction, at);
      // A step listing the same artifact twice on one side is one lineage edge, in each of its groups.
      const seen = seenInStep.get(artifactKey);
      if (seen) {
        if (group === null) seen.sampleGroups = null;
        else if (seen.sampleGroups && seen.sampleGroups.at(-1) !== group) seen.sampleGroups.push(group);
        return;
      }
      if (!this.newArtifactKeys.has(artifactKey)) {
        this.newArtifactKeys.add(artifactKey);
        this.changes.artifacts.push({
          artifactKey,
          kind: ref.kind,
          artifactId: ref.id,
          version: ref.version,
        });
      }
      const edge: LineageEdgeRow = {
        stepId: event.stepId,
        runId: event.runId,
        direction,
        ordinal: seenInStep.size,
        artifactKey,
        sampleGroups: group === null ? null : [group],
        partition,
        offset,
        eventTime: event.envelope.eventTime,
      };
      seenInStep.set(artifactKey, edge);
      this.changes.lineageEdges.push(edge);
    });
  }

  private completeRun(event: RunCompleted, position: EventPosition): Rejection | undefined {
    const run = this.state.runs.get(event.runId);
    if (!run) return reject('unknown_run', event.runId);
    if (run.completed) return reject('run_already_completed', event.runId);
    run.completed = true;
    this.changes.runCompletions.push({
      origin: originOf(event.envelope, position),
      runId: event.runId,
      status: event.status,
      metrics: canonicalMapJson(event.metrics),
      error: event.error,
    });
    return undefined;
  }

  private freezeSnapshot(event: SnapshotFrozen, position: EventPosition): Rejection | undefined {
    if (this.state.snapshotIds.has(event.snapshotId)) return reject('duplicate_snapshot', event.snapshotId);
    this.state.snapshotIds.add(event.snapshotId);
    this.changes.snapshots.push({
      origin: originOf(event.envelope, position),
      snapshotId: event.snapshotId,
      name: event.name,
      dataset: event.dataset,
      task: event.task,
      strategy: event.strategy,
      offsets: JSON.stringify(
        event.offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset })),
      ),
      asOfTime: event.asOfTime,
      manifestSha256: event.manifestSha256,
      itemCount: event.itemCount,
      labelCount: event.labelCount,
    });
    return undefined;
  }

  private recomputeLeaves(): void {
    const { leaves } = this.changes;
    for (const itemId of this.itemsWithNewLeaves) {
      if (this.itemsWithStoredLabels.has(itemId)) leaves.replacedItemIds.push(itemId);
      for (const leaf of leavesOf(this.state.labelsByItem.get(itemId) ?? [])) {
        leaves.rows.push({
          itemId,
          labelId: leaf.labelId,
          task: leaf.task,
          latestVerdict: leaf.latestVerdict,
        });
      }
    }
  }
}

type Rejection = Pick<DeadLetter, 'reason' | 'detail'>;

function reject(reason: DeadLetterReason, detail: string): Rejection {
  return { reason, detail };
}

function originOf(envelope: Envelope, { partition, offset }: EventPosition): EventOrigin {
  return {
    eventId: envelope.eventId,
    eventTime: envelope.eventTime,
    partition,
    offset,
    namespace: envelope.namespace,
    producerName: envelope.producer.name,
    producerVersion: envelope.producer.version,
    actorKind: envelope.actor.kind,
    actorId: envelope.actor.id,
  };
}
