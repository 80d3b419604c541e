import type { DeadLetter } from '@strata/projection';

/** A Kafka message for `strata.dlq`. */
export interface DeadLetterMessage {
  key: string;
  value: string;
}

/** What a `strata.dlq` record's value holds (JSON). */
export interface DeadLetterRecord {
  reason: string;
  detail: string;
  eventId: string | null;
  type: string | null;
  original: { topic: string; partition: number; offset: number; timestamp: number };
  /** The record's bytes, base64, when the event could not be decoded; otherwise null. */
  raw: string | null;
}

/**
 * The `strata.dlq` message of a dead letter. The key is the original position (`topic:partition:offset`),
 * which identifies the dead letter: a republished one (see BatchProjector) has the same key.
 */
export function deadLetterMessage(letter: DeadLetter): DeadLetterMessage {
  const { topic, partition, offset, timestamp } = letter.position;
  const record: DeadLetterRecord = {
    reason: letter.reason,
    detail: letter.detail,
    eventId: letter.eventId,
    type: letter.type,
    original: { topic, partition, offset, timestamp },
    raw: letter.raw ? letter.raw.toString('base64') : null,
  };
  return { key: `${topic}:${partition}:${offset}`, value: JSON.stringify(record) };
}
