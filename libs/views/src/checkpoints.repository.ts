import type { Knex } from 'knex';
import { quotedSchema } from './schema-name';
import type { Queryable } from './sql-fragments';

/** The next offset a projection will read from one partition (Kafka's committed-offset convention). */
export interface Checkpoint {
  topic: string;
  partition: number;
  nextOffset: number;
}

/** A checkpoint move, applied only if the stored value is still `expectedNextOffset` (null: none stored yet). */
export interface CheckpointAdvance extends Checkpoint {
  expectedNextOffset: number | null;
}

/** Another writer moved a checkpoint first (e.g. a rebalanced partition); the transaction must be rolled back. */
export class CheckpointConflictError extends Error {
  constructor(
    readonly projection: string,
    readonly conflicts: CheckpointAdvance[],
  ) {
    super(
      `checkpoint of ${projection} moved concurrently: ${conflicts
        .map((c) => `${c.topic}:${c.partition} expected ${c.expectedNextOffset ?? 'none'}`)
        .join(', ')}`,
    );
    this.name = 'CheckpointConflictError';
  }
}

const statements = (s: string) => ({
  load: `SELECT topic, partition, next_offset FROM ${s}.checkpoints WHERE projection = :projection ORDER BY topic, partition`,
  /** Compare-and-set of existing checkpoints; returns the ones moved. */
  advance: `
    UPDATE ${s}.checkpoints c SET next_offset = input.next_offset
      FROM unnest(:topics::text[], :partitions::int[], :expected::bigint[], :next::bigint[])
           AS input (topic, partition, expected, next_offset)
     WHERE c.projection = :projection AND c.topic = input.topic AND c.partition = input.partition
       AND c.next_offset = input.expected
    RETURNING c.topic, c.partition`,
  /** First checkpoints of partitions; a concurrent first writer makes the insert skip, hence a conflict. */
  create: `
    INSERT INTO ${s}.checkpoints (projection, topic, partition, next_offset)
    SELECT :projection, input.topic, input.partition, input.next_offset
      FROM unnest(:topics::text[], :partitions::int[], :next::bigint[]) AS input (topic, partition, next_offset)
    ON CONFLICT (projection, topic, partition) DO NOTHING
    RETURNING topic, partition`,
});

export async function loadCheckpoints(
  db: Queryable,
  schemaName: string,
  projection: string,
): Promise<Checkpoint[]> {
  const { rows } = await db.raw(statements(quotedSchema(schemaName)).load, { projection });
  return (rows as { topic: string; partition: number; next_offset: string }[]).map((row) => ({
    topic: row.topic,
    partition: row.partition,
    nextOffset: Number(row.next_offset),
  }));
}

/**
 * Moves checkpoints with compare-and-set, in the batch's transaction: two set-based statements.
 * Throws {@link CheckpointConflictError} if any expected value no longer holds.
 */
export async function advanceCheckpoints(
  trx: Knex.Transaction,
  schemaName: string,
  projection: string,
  advances: readonly CheckpointAdvance[],
): Promise<void> {
  const sql = statements(quotedSchema(schemaName));
  const existing = advances.filter((a) => a.expectedNextOffset !== null);
  const fresh = advances.filter((a) => a.expectedNextOffset === null);
  const moved = new Set<string>();
  const record = (rows: { topic: string; partition: number }[]) => {
    for (const row of rows) moved.add(`${row.topic}\u0000${row.partition}`);
  };
  if (existing.length > 0) {
    const { rows } = await trx.raw(sql.advance, {
      projection,
      topics: existing.map((a) => a.topic),
      partitions: existing.map((a) => a.partition),
      expected: existing.map((a) => a.expectedNextOffset),
      next: existing.map((a) => a.nextOffset),
    });
    record(rows);
  }
  if (fresh.length > 0) {
    const { rows } = await trx.raw(sql.create, {
      projection,
      topics: fresh.map((a) => a.topic),
      partitions: fresh.map((a) => a.partition),
      next: fresh.map((a) => a.nextOffset),
    });
    record(rows);
  }
  const conflicts = advances.filter((a) => !moved.has(`${a.topic}\u0000${a.partition}`));
  if (conflicts.length > 0) throw new CheckpointConflictError(projection, conflicts);
}
