import { Topics } from '@strata/kafka';
import type { OffsetPosition } from '@strata/contracts';

/**
 * The point of the log a question is asked at.
 * - `latest`: everything projected so far.
 * - `offsets`: an event at offset o of a partition is included iff o < the vector's offset for
 *   that topic-partition (the "next offset" convention of checkpoints). Partitions absent from
 *   the vector are excluded entirely, so an empty vector sees nothing.
 * - `time`: rows whose event time (envelope eventTime; record timestamp for dead letters) is
 *   before `time`. This is cheap and needs no broker, but it is an event-time view: to get exactly
 *   what a rebuild to T gives, resolve T to offsets per partition with Kafka ListOffsets and ask
 *   with `offsets` (the two agree when producers' event times are monotonic per partition and
 *   equal to record timestamps).
 */
export type AsOf =
  { kind: 'latest' } | { kind: 'offsets'; offsets: readonly OffsetPosition[] } | { kind: 'time'; time: Date };

export const latest: AsOf = { kind: 'latest' };

export class InvalidAsOfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAsOfError';
  }
}

/** Named bindings every as-of query takes; see {@link visibleAsOf}. */
export interface AsOfBindings {
  asOfMode: AsOf['kind'];
  asOfTime: Date | null;
  cutTopics: string[];
  cutPartitions: number[];
  cutOffsets: number[];
  itemsTopic: string;
  runsTopic: string;
  snapshotsTopic: string;
  [binding: string]: unknown;
}

export function asOfBindings(asOf: AsOf): AsOfBindings {
  const cut = new Map<string, OffsetPosition>();
  if (asOf.kind === 'offsets') {
    for (const position of asOf.offsets) {
      const key = `${position.topic}\u0000${position.partition}`;
      const previous = cut.get(key);
      if (previous && previous.offset !== position.offset) {
        throw new InvalidAsOfError(`offset vector names ${position.topic}:${position.partition} twice`);
      }
      if (!Number.isSafeInteger(position.offset) || position.offset < 0) {
        throw new InvalidAsOfError(
          `offset ${position.offset} of ${position.topic}:${position.partition} is not a valid offset`,
        );
      }
      cut.set(key, position);
    }
  }
  if (asOf.kind === 'time' && Number.isNaN(asOf.time.getTime()))
    throw new InvalidAsOfError('as-of time is not a valid date');
  const positions = [...cut.values()];
  return {
    asOfMode: asOf.kind,
    asOfTime: asOf.kind === 'time' ? asOf.time : null,
    cutTopics: positions.map((position) => position.topic),
    cutPartitions: positions.map((position) => position.partition),
    cutOffsets: positions.map((position) => position.offset),
    itemsTopic: Topics.items,
    runsTopic: Topics.runs,
    snapshotsTopic: Topics.snapshots,
  };
}

/**
 * SQL predicate: the row aliased `alias` (with log_partition, log_offset and a time column) is
 * part of the views as of the bound {@link AsOfBindings}. `topic` is the SQL of the row's topic:
 * a binding such as `:itemsTopic` for tables fed by one topic, or a column. Under `latest` the
 * planner folds the predicate to true (queries are planned with their parameter values).
 */
export function visibleAsOf(alias: string, topic: string, timeColumn = 'event_time'): string {
  return `(:asOfMode = 'latest'
    OR (:asOfMode = 'time' AND ${alias}.${timeColumn} < :asOfTime::timestamptz)
    OR ${alias}.log_offset < (
      SELECT cut.next_offset
        FROM unnest(:cutTopics::text[], :cutPartitions::int[], :cutOffsets::bigint[]) AS cut (topic, log_partition, next_offset)
       WHERE cut.topic = ${topic} AND cut.log_partition = ${alias}.log_partition))`;
}
