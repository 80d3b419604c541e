import { ForbiddenException, Inject, Injectable } from '@nestjs/common';
import { authorize, type Principal } from '@strata/auth';
import type { StrataEvent } from '@strata/contracts';
import { StrataMetrics } from '@strata/observability';
import {
  ProduceError,
  type EncodedEvent,
  type EventAck,
  type EventEncoder,
  type EventSink,
} from '@strata/sdk';
import { IngestUnavailableException, InvalidEventsException, type EventIssue } from '../common/http-errors';
import { EVENT_CHECKS, type EventChecks } from './event-batch';

export const EVENT_ENCODER = Symbol('EventEncoder');
export const EVENT_SINK = Symbol('EventSink');
export const INGEST_LIMITS = Symbol('IngestLimits');

export interface IngestLimits {
  /** Largest encoded event accepted; Kafka's default message limit is 1 MiB. */
  maxEventBytes: number;
}

/** An event that passed validation, with its index in the request. */
export interface IndexedEvent {
  index: number;
  event: StrataEvent;
}

/**
 * Writes already validated events: checks the key may write every event's namespace, encodes them all,
 * and only then sends them as one batch, answering after the broker's acknowledgement. Any failure
 * before the send means nothing was sent. The batch goes out in one produce request (possibly shared
 * with concurrent requests, see GroupCommitSink), which Kafka applies per partition: see the
 * gateway README for the one residual partial-write case.
 */
@Injectable()
export class IngestService {
  constructor(
    @Inject(EVENT_ENCODER) private readonly encoder: EventEncoder,
    @Inject(EVENT_SINK) private readonly sink: EventSink,
    @Inject(INGEST_LIMITS) private readonly limits: IngestLimits,
    @Inject(EVENT_CHECKS) private readonly checks: EventChecks,
    private readonly metrics: StrataMetrics,
  ) {}

  async write(events: IndexedEvent[], principal: Principal): Promise<(EventAck & { index: number })[]> {
    // Events mapped from OpenLineage or Label Studio payloads meet the event model's rules here.
    const invalid = events.flatMap(({ index, event }) =>
      this.checks
        .semanticIssues(event)
        .map((issue) => ({ index, ...issue, field: `${event.type}.${issue.field}` })),
    );
    if (invalid.length > 0) throw new InvalidEventsException(invalid);
    for (const { index, event } of events) {
      const decision = authorize(principal, 'write', event.event.envelope.namespace);
      if (!decision.allowed) {
        throw new ForbiddenException(`event ${index}: ${decision.reason}; nothing was written`);
      }
    }
    const encoded = await this.encodeAll(events);
    if (encoded.length === 0) return [];
    let acks: EventAck[];
    try {
      acks = await this.sink.sendBatch(encoded);
    } catch (error) {
      if (error instanceof ProduceError) {
        throw new IngestUnavailableException(`Kafka is unavailable (${error.message})`);
      }
      throw error;
    }
    for (const ack of acks) this.metrics.eventsIngested.inc({ topic: ack.topic });
    return acks.map((ack, position) => ({ index: events[position].index, ...ack }));
  }

  private async encodeAll(events: IndexedEvent[]): Promise<EncodedEvent[]> {
    const encoded: EncodedEvent[] = [];
    const oversize: EventIssue[] = [];
    for (const { index, event } of events) {
      let message: { topic: string; key: string; value: Buffer };
      try {
        message = await this.encoder.encode(event);
      } catch (error) {
        throw new IngestUnavailableException(
          `the schema registry could not encode event ${index} (${(error as Error).message})`,
        );
      }
      if (message.value.length > this.limits.maxEventBytes) {
        oversize.push({
          index,
          field: 'event',
          message: `encodes to ${message.value.length} bytes, over the ${this.limits.maxEventBytes}-byte event limit`,
        });
      }
      encoded.push({ eventId: event.event.envelope.eventId, ...message });
    }
    if (oversize.length > 0) throw new InvalidEventsException(oversize);
    return encoded;
  }
}
