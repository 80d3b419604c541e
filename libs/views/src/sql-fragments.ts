import type { Knex } from 'knex';

/** What read functions accept: the pool, or a transaction when the caller wants one snapshot. */
export type Queryable = Knex | Knex.Transaction;

/** A timestamptz column as epoch milliseconds (a JS number), the time unit of the event model. */
export const epochMillis = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;

/**
 * Runs one statement with JIT compilation off. The as-of leaf recomputation recurses through CTEs
 * whose row estimates explode (millions for a few hundred rows), which pushes its cost past
 * `jit_above_cost`: compiling took ~0.7 s of a 0.75 s page of 1000 items, measured on 300k labels.
 * On the pool the statement gets a transaction of its own; inside the caller's transaction JIT
 * stays off for the rest of that transaction (it only helps long analytical scans).
 */
export async function rawWithoutJit(
  db: Queryable,
  sql: string,
  bindings: Record<string, unknown>,
): Promise<{ rows: unknown[] }> {
  const run = async (trx: Knex.Transaction) => {
    await trx.raw('SET LOCAL jit = off');
    return (await trx.raw(sql, bindings as Knex.ValueDict)) as { rows: unknown[] };
  };
  return db.isTransaction ? run(db as Knex.Transaction) : db.transaction(run);
}
