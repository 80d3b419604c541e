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

/**
 * Decodes one partition's records. Bytes that cannot be a Strata event become dead letters carrying
 * the raw bytes; any other failure is the registry's and thrown as RegistryUnavailableError: retrying may succeed.
 */
export async function decodeRecords(
  decoder: { decode(bytes: Buffer): Promise<StrataEvent> },
  topic: string,
  partition: number,
  records: readonly FetchedRecord[],
): Promise<DecodedRecords> {
  const events: PositionedEvent[] = [];
  const undecodable: DeadLetter[] = [];
  const outcomes = await Promise.all(
    records.map(async (record) => {
      if (!record.value || record.value.length === 0) {
        return { record, failure: new DecodeError('wrong-magic-byte', 'the record has no value') };
      }
      try {
        return { record, event: await decoder.decode(record.value) };
      } catch (error) {
        if (error instanceof DecodeError) return { record, failure: error };
        throw new RegistryUnavailableError(error);
      }
    }),
  );
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
