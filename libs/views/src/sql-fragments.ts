import type { Knex } from 'knex';

/** What read functions accept: the pool, or a transaction when the caller wants one snapshot. */
export type Queryable = Knex | Knex.Transaction;

/** A timestamptz column as epoch milliseconds (a JS number), the time unit of the event model. */
export const epochMillis = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;

/**
 * Runs one recursive statement (the as-of leaf recomputation) with JIT and hash joins off. Its
 * recursive CTEs get row estimates in the millions for a few hundred rows, so the planner (1)
 * crosses `jit_above_cost`, and compiling took ~0.7 s of a 0.75 s page of 1000 items on 300k
 * labels, and (2) sizes hash tables for those millions, splitting them into hundreds of batches on
 * disk, which made a page cost grow faster than its size. Merge and nested-loop joins size their
 * sorts from the rows actually seen. On the pool the statement gets a transaction of its own;
 * inside a caller's transaction the settings stay for the rest of that transaction.
 */
export async function rawForRecursiveQuery(
  db: Queryable,
  sql: string,
  bindings: Record<string, unknown>,
): Promise<{ rows: unknown[] }> {
  const run = async (trx: Knex.Transaction) => {
    await trx.raw('SET LOCAL jit = off; SET LOCAL enable_hashjoin = off');
    return (await trx.raw(sql, bindings as Knex.ValueDict)) as { rows: unknown[] };
  };
  return db.isTransaction ? run(db as Knex.Transaction) : db.transaction(run);
}
