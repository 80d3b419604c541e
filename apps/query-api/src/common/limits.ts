import type { RateLimitPolicy } from '@strata/auth';
import { BadParameterError } from './errors';

/**
 * Bounds on what one request may ask for. Graph traversals grow exponentially with depth, so depth
 * and node counts are capped and exceeding the cap is a 400, never a silent clamp: a client that
 * asked for depth 50 and got 10 would believe it saw the whole lineage.
 */
export const limits = {
  lineageDepth: { fallback: 3, min: 1, max: 10 },
  lineageNodes: { fallback: 500, min: 1, max: 5000 },
  /** Items per keyset page of a training-set or manifest stream: memory per request is O(this). */
  exportChunkItems: 1000,
  /** Entities a PROV document or a label DAG may hold before it is cut (and says so). */
  provenanceNodes: 5000,
  /** Rows per table of a datasheet (label values, annotators, steps). */
  datasheetRows: 50,
} as const;

export interface IntegerBounds {
  fallback: number;
  min: number;
  max: number;
}

/** Parses an integer query parameter within bounds; anything else is a 400 naming the parameter. */
export function parseBoundedInteger(
  raw: string | undefined,
  parameter: string,
  bounds: IntegerBounds,
): number {
  if (raw === undefined || raw === '') return bounds.fallback;
  if (!/^-?\d{1,9}$/.test(raw.trim())) throw new BadParameterError(parameter, `"${raw}" is not an integer`);
  const value = Number(raw);
  if (value < bounds.min || value > bounds.max) {
    throw new BadParameterError(parameter, `must be between ${bounds.min} and ${bounds.max}, got ${value}`);
  }
  return value;
}

/** Limits of the HTTP service and its database sessions; each can be set through StartQueryApiOptions. */
export interface ServiceLimits {
  /** Largest request body (only POST /v1/snapshots takes one). */
  bodyLimitBytes: number;
  /** Time a client has to send a whole request (headers and body); slower ones get a 408. */
  requestTimeoutMs: number;
  /** A connection idle this long (e.g. a client that stopped reading an export) is closed. */
  connectionTimeoutMs: number;
  /** PostgreSQL statement_timeout of the API's own connections; a longer query is cancelled (503). */
  statementTimeoutMs: number;
  /** Requests per API key: a token bucket per key id. */
  rateLimit: RateLimitPolicy;
  /** How long a verified key is trusted before it is looked up again (so a revocation takes this long). */
  keyCacheTtlMs: number;
}

export const defaultServiceLimits: ServiceLimits = {
  bodyLimitBytes: 64 * 1024,
  requestTimeoutMs: 30_000,
  connectionTimeoutMs: 120_000,
  statementTimeoutMs: 30_000,
  rateLimit: { ratePerSecond: 50, burst: 100 },
  keyCacheTtlMs: 5_000,
};
