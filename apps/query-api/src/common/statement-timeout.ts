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

/**
 * The database URL with JIT compilation off for every session opened from it, through the startup
 * packet's `options` like the timeout above. The API's statements are interactive reads of
 * milliseconds, where compiling costs far more than it saves (~0.6 s per recursive statement seen
 * on the demo), and a session setting spares each statement a transaction to `SET LOCAL` it in
 * (three round trips). A URL whose `options` already set `jit` keeps its setting.
 */
export function withJitOff(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const options = url.searchParams.get('options');
  if (!options) url.searchParams.set('options', '-c jit=off');
  else if (!/(^|\s)(-c\s*|--)jit=/.test(options)) url.searchParams.set('options', `${options} -c jit=off`);
  return url.toString();
}

/** PostgreSQL's query_canceled: what a statement past statement_timeout fails with. */
export const queryCanceledCode = '57014';
