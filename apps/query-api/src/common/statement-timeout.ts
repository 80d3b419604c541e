/**
 * The database URL with a `statement_timeout` for every session opened from it. node-postgres sends it
 * in the startup packet, so each pooled connection has it from its first statement and no extra round
 * trip is needed (unlike a `SET` in the pool's afterCreate). A timeout the URL already names is kept.
 */
export function withStatementTimeout(databaseUrl: string, timeoutMs: number): string {
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) {
    throw new RangeError(`statementTimeoutMs must be a positive integer, got ${timeoutMs}`);
  }
  const url = new URL(databaseUrl);
  if (!url.searchParams.has('statement_timeout'))
    url.searchParams.set('statement_timeout', String(timeoutMs));
  return url.toString();
}

/** PostgreSQL's query_canceled: what a statement past statement_timeout fails with. */
export const queryCanceledCode = '57014';
