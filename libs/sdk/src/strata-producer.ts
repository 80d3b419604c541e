import { randomUUID } from 'node:crypto';
import type {
  Envelope,
  ItemRegistered,
  LabelCorrected,
  LabelCreated,
  LabelRetracted,
  LabelReviewed,
  RunCompleted,
  RunStarted,
  SnapshotFrozen,
  StrataEvent,
  TransformationApplied,
} from '@strata/contracts';
import { AckBatcher } from './ack-batcher';
import { assertValid, type EventEncoder } from './event-codec';
import { ProducerClosedError } from './errors';
import type { EncodedEvent, EventAck, EventSink } from './kafka-sink';
import { Pipeline, type PipelineOptions } from './pipeline';

/** Fields every event of this producer shares; any of them may be overridden per event. */
export interface EnvelopeDefaults {
  namespace: string;
  producer: Envelope['producer'];
  actor: Envelope['actor'];
}

export interface BatchingOptions {
  /** How long an event may wait for others to share its batch. Default 5 ms. */
  lingerMs?: number;
  /** Default 500 events. */
  maxBatchEvents?: number;
  /** Default 900 KiB, under Kafka's default 1 MiB request limit. */
  maxBatchBytes?: number;
  /** Events waiting to be sent beyond which `send` waits for room. Default 10 000. */
  maxQueuedEvents?: number;
}

/** Nullable fields become optional; everything else stays required. */
type NullsOptional<T> = {
  [K in keyof T as null extends T[K] ? never : K]: T[K];
} & {
  [K in keyof T as null extends T[K] ? K : never]?: T[K];
};

/**
 * What a caller gives for an event of type E: its fields without the envelope, with nullable fields
 * optional, the listed generated fields optional (filled in when absent), and envelope overrides.
 */
export type EventInput<E extends { envelope: Envelope }, Generated extends keyof E = never> = NullsOptional<
  Omit<E, 'envelope' | Generated>
> &
  Partial<Pick<E, Generated>> & { envelope?: Partial<Envelope> };

/** The broker's acknowledgement, plus the ids the producer generated. */
export type Sent<Ids = object> = EventAck & Ids;

export function newId(): string {
  return randomUUID();
}

/**
 * The typed producer of Strata events. Every method validates its event (throwing a ValidationError
 * naming the field), encodes it through the schema registry, queues it for a batched, idempotent,
 * acks=all write, and resolves only once the broker has acknowledged it.
 */
export class StrataProducer {
  private readonly batcher: AckBatcher<EncodedEvent, EventAck>;
  /** Serialises encoding and queueing, so events are queued in call order. */
  private admission: Promise<void> = Promise.resolve();
  private closing = false;

  constructor(
    private readonly encoder: EventEncoder,
    private readonly sink: EventSink,
    readonly defaults: EnvelopeDefaults,
    batching: BatchingOptions = {},
  ) {
    this.batcher = new AckBatcher((events) => sink.sendBatch(events), {
      lingerMs: batching.lingerMs ?? 5,
      maxBatchItems: batching.maxBatchEvents ?? 500,
      maxBatchBytes: batching.maxBatchBytes ?? 900 * 1024,
      maxQueuedItems: batching.maxQueuedEvents ?? 10_000,
    });
  }

  /**
   * Sends a complete event as given (envelope included). Events are queued in the order `send` was
   * called, whatever the time their encoding takes, so one key's events reach its partition in order.
   */
  send(event: StrataEvent): Promise<EventAck> {
    try {
      if (this.closing) throw new ProducerClosedError();
      assertValid(event);
    } catch (error) {
      return Promise.reject(error);
    }
    // Not async, and the event is referenced only until it is encoded: a provenance chunk's thousands
    // of item refs must not stay alive (and be promoted to the old generation) until the broker acks.
    const admitted = this.admission
      .then(() => this.encode(event))
      .then(async (encoded) => {
        await this.batcher.waitForRoom();
        // Wrapped so the chain moves on once the event is queued, not once it is acknowledged.
        return { acknowledged: this.batcher.push(encoded, encoded.value.length + encoded.key.length) };
      });
    this.admission = admitted.then(
      () => undefined,
      () => undefined,
    );
    return admitted.then(({ acknowledged }) => acknowledged);
  }

  async registerItem(input: EventInput<ItemRegistered, 'attributes' | 'datasets'>): Promise<Sent> {
    return this.send({
      type: 'ItemRegistered',
      event: {
        datasets: [],
        attributes: {},
        source: null,
        license: null,
        ...input,
        envelope: this.envelope(input.envelope),
      },
    });
  }

  async createLabel(input: EventInput<LabelCreated, 'labelId'>): Promise<Sent<{ labelId: string }>> {
    const event: LabelCreated = {
      ...labelDefaults(),
      ...input,
      labelId: input.labelId ?? newId(),
      envelope: this.envelope(input.envelope),
    };
    return this.sendWithIds({ type: 'LabelCreated', event }, { labelId: event.labelId });
  }

  async correctLabel(input: EventInput<LabelCorrected, 'labelId'>): Promise<Sent<{ labelId: string }>> {
    const event: LabelCorrected = {
      ...labelDefaults(),
      reason: null,
      ...input,
      labelId: input.labelId ?? newId(),
      envelope: this.envelope(input.envelope),
    };
    return this.sendWithIds({ type: 'LabelCorrected', event }, { labelId: event.labelId });
  }

  async reviewLabel(input: EventInput<LabelReviewed>): Promise<Sent> {
    return this.send({
      type: 'LabelReviewed',
      event: { comment: null, ...input, envelope: this.envelope(input.envelope) },
    });
  }

  async retractLabel(input: EventInput<LabelRetracted>): Promise<Sent> {
    return this.send({
      type: 'LabelRetracted',
      event: { reason: null, ...input, envelope: this.envelope(input.envelope) },
    });
  }

  async startRun(
    input: Omit<EventInput<RunStarted, 'runId' | 'parameters'>, 'job'> & { job: RunStarted['job'] | string },
  ): Promise<Sent<{ runId: string }>> {
    const envelope = this.envelope(input.envelope);
    const event: RunStarted = {
      parentRunId: null,
      codeVersion: null,
      ...input,
      runId: input.runId ?? newId(),
      job: typeof input.job === 'string' ? { namespace: envelope.namespace, name: input.job } : input.job,
      parameters: input.parameters ?? '{}',
      envelope,
    };
    return this.sendWithIds({ type: 'RunStarted', event }, { runId: event.runId });
  }

  async applyTransformation(
    input: EventInput<
      TransformationApplied,
      'stepId' | 'parameters' | 'inputs' | 'outputs' | 'metrics' | 'startedAt' | 'endedAt'
    >,
  ): Promise<Sent<{ stepId: string }>> {
    const now = Date.now();
    const event: TransformationApplied = {
      inputRecords: null,
      outputRecords: null,
      itemRefs: null,
      ...input,
      stepId: input.stepId ?? newId(),
      parameters: input.parameters ?? '{}',
      inputs: input.inputs ?? [],
      outputs: input.outputs ?? [],
      metrics: input.metrics ?? {},
      startedAt: input.startedAt ?? now,
      endedAt: input.endedAt ?? now,
      envelope: this.envelope(input.envelope),
    };
    return this.sendWithIds({ type: 'TransformationApplied', event }, { stepId: event.stepId });
  }

  async completeRun(input: EventInput<RunCompleted, 'status' | 'metrics'>): Promise<Sent> {
    return this.send({
      type: 'RunCompleted',
      event: {
        error: null,
        ...input,
        status: input.status ?? 'COMPLETED',
        metrics: input.metrics ?? {},
        envelope: this.envelope(input.envelope),
      },
    });
  }

  async freezeSnapshot(
    input: EventInput<SnapshotFrozen, 'snapshotId'>,
  ): Promise<Sent<{ snapshotId: string }>> {
    const event: SnapshotFrozen = {
      dataset: null,
      task: null,
      asOfTime: null,
      ...input,
      snapshotId: input.snapshotId ?? newId(),
      envelope: this.envelope(input.envelope),
    };
    return this.sendWithIds({ type: 'SnapshotFrozen', event }, { snapshotId: event.snapshotId });
  }

  /** A recorded stream pipeline; see {@link Pipeline}. */
  pipeline<T = unknown>(options: PipelineOptions): Pipeline<T, T> {
    return Pipeline.start<T>(this, options);
  }

  /** Resolves when every event sent so far has been acknowledged (or has failed). */
  async flush(): Promise<void> {
    await this.admission;
    await this.batcher.flush();
  }

  /** Refuses new events, sends every event already given, then disconnects. */
  async close(): Promise<void> {
    this.closing = true;
    try {
      await this.admission;
      await this.batcher.close();
    } finally {
      await this.sink.close();
    }
  }

  private async encode(event: StrataEvent): Promise<EncodedEvent> {
    return { eventId: event.event.envelope.eventId, ...(await this.encoder.encode(event)) };
  }

  /**
   * Sends, then adds the generated ids to the acknowledgement. Returning the chained promise instead of
   * awaiting it leaves no suspended frame holding the event (and its item refs) until the broker acks.
   */
  private sendWithIds<Ids extends object>(event: StrataEvent, ids: Ids): Promise<Sent<Ids>> {
    return this.send(event).then((ack) => ({ ...ack, ...ids }));
  }

  private envelope(overrides: Partial<Envelope> = {}): Envelope {
    return {
      eventId: overrides.eventId ?? newId(),
      eventTime: overrides.eventTime ?? Date.now(),
      namespace: overrides.namespace ?? this.defaults.namespace,
      producer: overrides.producer ?? this.defaults.producer,
      actor: overrides.actor ?? this.defaults.actor,
    };
  }
}

function labelDefaults() {
  return { tool: null, confidence: null, guidelineVersion: null };
}
