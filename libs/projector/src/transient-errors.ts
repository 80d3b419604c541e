/**
 * PostgreSQL SQLSTATEs that say "try again later", not "this batch is wrong": the server is shutting
 * down or restarting (57P01-57P03), the connection broke (class 08), too many connections (53300),
 * or the transaction lost a serialization or deadlock race (40001, 40P01).
 */
const transientSqlStates = new Set([
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '40001',
  '40P01',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

/** Socket-level failures reaching PostgreSQL (or the schema registry). */
const transientSystemCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/** node-postgres and knex report some broken connections only in the message. */
const transientMessages = [
  /Connection terminated/i,
  /Client has encountered a connection error/i,
  /Timeout acquiring a connection/i,
  /terminating connection/i,
];

/**
 * Whether retrying the same batch later can succeed (PostgreSQL, sockets, kafkajs). Walks `cause` chains and AggregateErrors
 * (node's connect errors for several addresses), since drivers wrap the socket error.
 */
export function isTransientError(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && (transientSqlStates.has(code) || transientSystemCodes.has(code))) {
    return true;
  }
  // kafkajs marks what its own retries could not get through but a later attempt may (publishing
  // dead letters while the broker is away).
  if ((error as { retriable?: unknown }).retriable === true) return true;
  if (typeof message === 'string' && transientMessages.some((pattern) => pattern.test(message))) return true;
  if (Array.isArray(errors) && errors.some((inner) => isTransientError(inner, depth + 1))) return true;
  return cause !== undefined && isTransientError(cause, depth + 1);
}

/** Exponential backoff from 100 ms, capped at 5 s: quick after a blip, gentle during an outage. */
export function retryDelayMs(attempt: number): number {
  return Math.min(5000, 100 * 2 ** Math.min(attempt, 10));
}
