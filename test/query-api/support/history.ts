import { randomUUID } from 'node:crypto';
import type { ArtifactRef, Author, Envelope, PackedItemRefs, StrataEvent } from '@strata/contracts';
import { Topics } from '@strata/kafka';
import type { PositionedEvent } from '@strata/projection';

type OffsetPosition = { topic: string; partition: number; offset: number };

/**
 * Hand-built event histories for tests and benchmarks: each event gets the next offset of its
 * topic partition and an event time one second after the previous event (also its record
 * timestamp), as a broker would assign them.
 */
export class History {
  readonly events: PositionedEvent[] = [];
  private readonly nextOffsets = new Map<string, number>();
  /** The namespace of the events added from now on. */
  namespace = 'test';
  private clock: number;

  constructor(
    /** Which items-topic partition each item lives in (default 0); runs go to partition 0. */
    private readonly partitionOf: (itemId: string) => number = () => 0,
    start = Date.parse('2026-01-01T00:00:00Z'),
  ) {
    this.clock = start;
  }

  /** The offset vector after every event so far: the next offset of each partition written to. */
  offsets(): OffsetPosition[] {
    return [...this.nextOffsets.entries()].map(([key, offset]) => {
      const [topic, partition] = key.split('|');
      return { topic, partition: Number(partition), offset };
    });
  }

  /** The time of the last event so far. */
  now(): Date {
    return new Date(this.clock);
  }

  registerItem(
    itemId: string,
    options: { datasets?: string[]; source?: string; license?: string } = {},
  ): void {
    this.add(Topics.items, this.partitionOf(itemId), {
      type: 'ItemRegistered',
      event: {
        envelope: this.envelope(),
        itemId,
        uri: `s3://bucket/${itemId}.jpg`,
        contentHash: `sha256:${itemId}`,
        mediaType: 'image/jpeg',
        datasets: options.datasets ?? [],
        source: options.source ?? null,
        license: options.license ?? null,
        attributes: {},
      },
    });
  }

  createLabel(itemId: string, payload: unknown, options: LabelOptions = {}): string {
    const labelId = options.labelId ?? randomUUID();
    this.add(Topics.items, this.partitionOf(itemId), {
      type: 'LabelCreated',
      event: { envelope: this.envelope(), itemId, labelId, ...labelFields(payload, options) },
    });
    return labelId;
  }

  correctLabel(itemId: string, parents: string[], payload: unknown, options: LabelOptions = {}): string {
    const labelId = options.labelId ?? randomUUID();
    this.add(Topics.items, this.partitionOf(itemId), {
      type: 'LabelCorrected',
      event: {
        envelope: this.envelope(),
        itemId,
        labelId,
        parents,
        reason: options.reason ?? null,
        ...labelFields(payload, options),
      },
    });
    return labelId;
  }

  review(itemId: string, labelId: string, verdict: 'APPROVED' | 'REJECTED', reviewer = 'reviewer-1'): void {
    this.add(Topics.items, this.partitionOf(itemId), {
      type: 'LabelReviewed',
      event: {
        envelope: this.envelope(),
        itemId,
        labelId,
        verdict,
        reviewer: { kind: 'HUMAN', id: reviewer },
        comment: null,
      },
    });
  }

  retract(itemId: string, labelId: string, reason = 'mistake'): void {
    this.add(Topics.items, this.partitionOf(itemId), {
      type: 'LabelRetracted',
      event: { envelope: this.envelope(), itemId, labelId, reason },
    });
  }

  startRun(job: string, codeVersion: string, parameters: unknown = {}): string {
    const runId = randomUUID();
    this.add(Topics.runs, 0, {
      type: 'RunStarted',
      event: {
        envelope: this.envelope(),
        runId,
        job: { namespace: 'pipelines', name: job },
        parentRunId: null,
        codeVersion,
        parameters: JSON.stringify(parameters),
      },
    });
    return runId;
  }

  step(
    runId: string,
    operation: string,
    inputs: ArtifactRef[],
    outputs: ArtifactRef[],
    parameters: unknown = {},
    itemRefs: PackedItemRefs | null = null,
  ): string {
    const stepId = randomUUID();
    const envelope = this.envelope();
    this.add(Topics.runs, 0, {
      type: 'TransformationApplied',
      event: {
        envelope,
        runId,
        stepId,
        operation: { name: operation, version: '1.0' },
        parameters: JSON.stringify(parameters),
        inputs,
        outputs,
        itemRefs,
        inputRecords: inputs.length + (itemRefs?.inputCount ?? 0),
        outputRecords: outputs.length + (itemRefs?.outputCount ?? 0),
        metrics: {},
        startedAt: envelope.eventTime - 500,
        endedAt: envelope.eventTime,
      },
    });
    return stepId;
  }

  completeRun(runId: string): void {
    this.add(Topics.runs, 0, {
      type: 'RunCompleted',
      event: { envelope: this.envelope(), runId, status: 'COMPLETED', metrics: {}, error: null },
    });
  }

  /** Any event (e.g. SnapshotFrozen) at the next position of a topic partition. */
  add(topic: string, partition: number, event: StrataEvent): PositionedEvent {
    const key = `${topic}|${partition}`;
    const offset = this.nextOffsets.get(key) ?? 0;
    this.nextOffsets.set(key, offset + 1);
    const positioned = {
      position: { topic, partition, offset, timestamp: event.event.envelope.eventTime },
      event,
    };
    this.events.push(positioned);
    return positioned;
  }

  envelope(): Envelope {
    this.clock += 1000;
    return {
      eventId: randomUUID(),
      eventTime: this.clock,
      namespace: this.namespace,
      producer: { name: 'query-api-tests', version: '1' },
      actor: { kind: 'HUMAN', id: 'tester' },
    };
  }
}

export interface LabelOptions {
  labelId?: string;
  task?: string;
  author?: Author;
  tool?: string;
  reason?: string;
}

function labelFields(payload: unknown, options: LabelOptions) {
  return {
    task: options.task ?? 'class',
    payload: JSON.stringify(payload),
    author: options.author ?? { kind: 'HUMAN' as const, id: 'annotator-1' },
    tool: options.tool ?? 'label-studio',
    confidence: null,
    guidelineVersion: 'v1',
  };
}

export const itemRef = (id: string): ArtifactRef => ({ kind: 'ITEM', id, version: `sha256:${id}` });
export const fileRef = (id: string): ArtifactRef => ({ kind: 'FILE', id, version: null });
