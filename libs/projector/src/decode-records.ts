import { DecodeError, type StrataEvent } from '@strata/contracts';
import type { DeadLetter, PositionedEvent } from '@strata/projection';

/** One fetched Kafka record, as kafkajs hands it over (offsets and timestamps are decimal strings). */
export interface FetchedRecord {
  offset: string;
  timestamp: string;
  value: Buffer | null;
}

export interface DecodedRecords {
  /** Decoded events in log order. */
  events: PositionedEvent[];
  /** Records whose bytes are not a Strata event, as dead letters with reason `undecodable`. */
  undecodable: DeadLetter[];
}

/** The schema registry could not be asked for a writer's schema; the same bytes may decode later. */
export class RegistryUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the schema registry could not be reached: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
    });
    this.name = 'RegistryUnavailableError';
  }
}

/** What decodes a record's bytes: {@link EventSerde}'s two ways. */
export interface RecordDecoder {
  decode(bytes: Buffer): Promise<StrataEvent>;
  /** The event, when it can be decoded without waiting (see EventSerde.decodeResolved); else undefined. */
  decodeResolved?(bytes: Buffer): StrataEvent | undefined;
}

type Outcome = { record: FetchedRecord; event?: StrataEvent; failure?: DecodeError };

/**
 * Decodes one partition's records. Bytes that cannot be a Strata event become dead letters carrying
 * the raw bytes; any other failure is the registry's and thrown as RegistryUnavailableError: retrying may succeed.
 * Records whose writer schema is already resolved are decoded at once; only the others wait for
 * the registry.
 */
export async function decodeRecords(
  decoder: RecordDecoder,
  topic: string,
  partition: number,
  records: readonly FetchedRecord[],
): Promise<DecodedRecords> {
  const events: PositionedEvent[] = [];
  const undecodable: DeadLetter[] = [];
  const outcomes: Outcome[] = [];
  const waiting: Promise<void>[] = [];
  for (const record of records) {
    const index = outcomes.length;
    if (!record.value || record.value.length === 0) {
      outcomes.push({ record, failure: new DecodeError('wrong-magic-byte', 'the record has no value') });
      continue;
    }
    let event: StrataEvent | undefined;
    try {
      event = decoder.decodeResolved?.(record.value);
    } catch (error) {
      // Anything but a DecodeError goes the awaited way below, which tells the two apart as before.
      if (error instanceof DecodeError) {
        outcomes.push({ record, failure: error });
        continue;
      }
    }
    outcomes.push({ record, event });
    if (event) continue;
    const value = record.value;
    waiting.push(
      decoder.decode(value).then(
        (decoded) => {
          outcomes[index].event = decoded;
        },
        (error: unknown) => {
          if (!(error instanceof DecodeError)) throw new RegistryUnavailableError(error);
          outcomes[index].failure = error;
        },
      ),
    );
  }
  if (waiting.length > 0) await Promise.all(waiting);
  for (const { record, event, failure } of outcomes) {
    const position = { topic, partition, offset: Number(record.offset), timestamp: Number(record.timestamp) };
    if (event) {
      events.push({ position, event });
    } else {
      undecodable.push({
        position,
        eventId: null,
        type: null,
        reason: 'undecodable',
        detail: `${failure!.reason}: ${failure!.message}`,
        raw: record.value,
      });
    }
  }
  return { events, undecodable };
}
