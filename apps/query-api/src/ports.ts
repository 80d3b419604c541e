import type { ApiKeyAccess } from '@strata/auth';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { OffsetPosition } from './domain/as-of';
import type { Release } from './domain/lineage';

/**
 * What the query API needs from outside PostgreSQL, as interfaces, so the services never know whether
 * Kafka is embedded or real, and tests can run without a broker where none is needed.
 */

/** Publishes a frozen release as a SnapshotFrozen event; resolves once the broker acknowledged it. */
export interface ReleasePublisher {
  publish(release: Release): Promise<void>;
}

/** The log's own answer to "which offsets were the ends of the topics at time T". */
export interface LogOffsets {
  offsetsAtTime(topics: readonly string[], time: Date): Promise<OffsetPosition[]>;
}

export const KNEX = Symbol('strata.query-api.knex');
export const LOGGER = Symbol('strata.query-api.logger');
export const RELEASE_PUBLISHER = Symbol('strata.query-api.release-publisher');
export const LOG_OFFSETS = Symbol('strata.query-api.log-offsets');

export interface QueryApiDependencies {
  knex: Knex;
  logger: Logger;
  publisher: ReleasePublisher;
  logOffsets: LogOffsets;
  /** API keys (the gateway's store) and the per-key rate limiter. */
  access: ApiKeyAccess;
}
