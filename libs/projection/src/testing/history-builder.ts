import {
  routeOf,
  type ArtifactRef,
  type PackedItemRefs,
  type StrataEvent,
  type Verdict,
} from '@strata/contracts';
import type { PositionedEvent } from '../types';

/** Deterministic uuid-shaped id from a counter, so histories are reproducible and readable in failures. */
const uuidOf = (prefix: number, counter: number) =>
  `${prefix.toString(16).padStart(8, '0')}-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;

/**
 * Builds a history as the log would hold it: each event routed to its real topic, partitioned by
 * its key, with consecutive offsets per partition and increasing times. For tests and benches.
 */
export class HistoryBuilder {
  readonly events: PositionedEvent[] = [];
  private readonly nextOffsets = new Map<string, number>();
  private eventCounter = 0;
  private namespace = 'test';

  constructor(
    private readonly partitions = 3,
    private readonly startTime = Date.UTC(2026, 0, 1),
  ) {}

  registerItem(itemId: string, datasets: string[] = ['dataset-a']): this {
    return this.append({
      type: 'ItemRegistered',
      event: {
        envelope: this.envelope(),
        itemId,
        uri: `s3://bucket/${itemId}`,
        contentHash: `sha256:${itemId}`,
        mediaType: 'image/png',
        datasets,
        source: null,
        license: 'CC-BY-4.0',
        attributes: { origin: 'test' },
      },
    });
  }

  createLabel(itemId: string, labelId: string, task = 'class'): this {
    return this.append({ type: 'LabelCreated', event: this.labelFields(itemId, labelId, task) });
  }

  correctLabel(itemId: string, labelId: string, parents: string[], task = 'class'): this {
    return this.append({
      type: 'LabelCorrected',
      event: { ...this.labelFields(itemId, labelId, task), parents, reason: 'fix' },
    });
  }

  reviewLabel(itemId: string, labelId: string, verdict: Verdict): this {
    return this.append({
      type: 'LabelReviewed',
      event: {
        envelope: this.envelope(),
        itemId,
        labelId,
        verdict,
        reviewer: { kind: 'HUMAN', id: 'qa' },
        comment: null,
      },
    });
  }

  retractLabel(itemId: string, labelId: string): this {
    return this.append({
      type: 'LabelRetracted',
      event: { envelope: this.envelope(), itemId, labelId, reason: null },
    });
  }

  startRun(runId: string): this {
    return this.append({
      type: 'RunStarted',
      event: {
        envelope: this.envelope(),
        runId,
        job: { namespace: 'airflow', name: 'prep' },
        parentRunId: null,
        codeVersion: 'abc123',
        parameters: '{"k":1}',
      },
    });
  }

  applyStep(
    runId: string,
    stepId: string,
    inputs: ArtifactRef[],
    outputs: ArtifactRef[],
    itemRefs: PackedItemRefs | null = null,
  ): this {
    const time = this.startTime + this.eventCounter * 1000;
    return this.append({
      type: 'TransformationApplied',
      event: {
        envelope: this.envelope(),
        runId,
        stepId,
        operation: { name: 'resize', version: '1' },
        parameters: '{}',
        inputs,
        outputs,
        itemRefs,
        inputRecords: inputs.length,
        outputRecords: outputs.length,
        metrics: { seconds: 1.5 },
        startedAt: time - 500,
        endedAt: time,
      },
    });
  }

  completeRun(runId: string): this {
    return this.append({
      type: 'RunCompleted',
      event: { envelope: this.envelope(), runId, status: 'COMPLETED', metrics: { rows: 10 }, error: null },
    });
  }

  freezeSnapshot(snapshotId: string): this {
    return this.append({
      type: 'SnapshotFrozen',
      event: {
        envelope: this.envelope(),
        snapshotId,
        name: `release-${snapshotId}`,
        dataset: 'dataset-a',
        task: null,
        strategy: 'latest',
        offsets: [],
        asOfTime: null,
        manifestSha256: '0'.repeat(64),
        itemCount: 0,
        labelCount: 0,
      },
    });
  }

  /** Publishes an already published event again (same eventId) at a new offset, as a retrying producer would. */
  redeliver(index: number): this {
    const original = this.events[index];
    return original ? this.append(original.event) : this;
  }

  private labelFields(itemId: string, labelId: string, task: string) {
    return {
      envelope: this.envelope(),
      itemId,
      labelId,
      task,
      payload: JSON.stringify({ value: labelId }),
      author: { kind: 'HUMAN' as const, id: 'annotator' },
      tool: null,
      confidence: 0.9,
      guidelineVersion: null,
    };
  }

  /** Events from here on are of this namespace (tenant); the default is `test`. */
  inNamespace(namespace: string): this {
    this.namespace = namespace;
    return this;
  }

  private envelope() {
    this.eventCounter++;
    return {
      eventId: uuidOf(0xe7e47, this.eventCounter),
      eventTime: this.startTime + this.eventCounter * 1000,
      namespace: this.namespace,
      producer: { name: 'history-builder', version: '1' },
      actor: { kind: 'HUMAN' as const, id: 'tester' },
    };
  }

  private append(event: StrataEvent): this {
    const { topic, key } = routeOf(event);
    const partition = partitionOf(key, this.partitions);
    const slot = `${topic}:${partition}`;
    const offset = this.nextOffsets.get(slot) ?? 0;
    this.nextOffsets.set(slot, offset + 1);
    this.events.push({
      position: { topic, partition, offset, timestamp: event.event.envelope.eventTime },
      event,
    });
    return this;
  }
}

/** A stable string hash, standing in for Kafka's key partitioner. */
function partitionOf(key: string, partitions: number): number {
  let hash = 0;
  for (let index = 0; index < key.length; index++) hash = (hash * 31 + key.charCodeAt(index)) | 0;
  return Math.abs(hash) % partitions;
}
