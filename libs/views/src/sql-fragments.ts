import type { Knex } from 'knex';

/** What read functions accept: the pool, or a transaction when the caller wants one snapshot. */
export type Queryable = Knex | Knex.Transaction;

/** A timestamptz column as epoch milliseconds (a JS number), the time unit of the event model. */
export const epochMillis = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;
