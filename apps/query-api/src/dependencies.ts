import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { ApiKeyStore, ApiKeyVerifier, KeyRateLimiter } from '@strata/auth';
import type { StrataConfig } from '@strata/config';
import { createKnex } from '@strata/database';
import { createKafka } from '@strata/kafka';
import { UnavailableError } from './common/errors';
import { defaultServiceLimits, type ServiceLimits } from './common/limits';
import { withJitOff, withStatementTimeout } from './common/statement-timeout';
import { KafkaLogOffsets } from './kafka/kafka-log-offsets';
import { SdkReleasePublisher } from './kafka/sdk-release-publisher';
import type { LogOffsets, QueryApiDependencies, ReleasePublisher } from './ports';

export interface QueryApiConnectionOptions {
  config: StrataConfig;
  logger: Logger;
  /** Kafka bootstrap servers; default config.kafkaBrokers (`strata up` passes its embedded broker's). */
  brokers?: string[];
  /** Schema registry; default config.schemaRegistryUrl. */
  registryUrl?: string;
  /**
   * A pool to share (it is then not closed here, and keeps its own statement_timeout and JIT setting);
   * default a new pool on config.databaseUrl with limits.statementTimeoutMs and JIT off.
   */
  knex?: Knex;
  /** Overrides of defaultServiceLimits (body size, timeouts, rate limit per key). */
  limits?: Partial<ServiceLimits>;
  /** Publish releases through this instead of a producer of our own (e.g. a process's shared one). */
  publisher?: ReleasePublisher;
  /** Resolve times to offsets through this instead of a Kafka admin of our own. */
  logOffsets?: LogOffsets;
}

/** Stands in for Kafka when none is configured: reads work, freezing a release is a clear 503. */
const withoutKafka: ReleasePublisher & LogOffsets = {
  publish: () =>
    Promise.reject(new UnavailableError('no Kafka brokers configured; releases cannot be published')),
  offsetsAtTime: () =>
    Promise.reject(new UnavailableError('no Kafka brokers configured; cannot resolve a time')),
};

/** The URL the API's own pool connects with: its sessions' statement timeout, and JIT off. */
export function sessionDatabaseUrl(
  databaseUrl: string,
  limits: Pick<ServiceLimits, 'statementTimeoutMs'>,
): string {
  return withJitOff(withStatementTimeout(databaseUrl, limits.statementTimeoutMs));
}

/** The outside resources of the query API (pool, Kafka admin, producer), and how to let them go. */
export function createQueryApiDependencies(options: QueryApiConnectionOptions): {
  dependencies: QueryApiDependencies;
  limits: ServiceLimits;
  close(): Promise<void>;
} {
  const logger = options.logger.child({ component: 'query-api' });
  const limits = { ...defaultServiceLimits, ...options.limits };
  const knex =
    options.knex ?? createKnex(sessionDatabaseUrl(options.config.databaseUrl, limits), { max: 20, logger });
  const brokers = options.brokers ?? options.config.kafkaBrokers;
  const registryUrl = options.registryUrl ?? options.config.schemaRegistryUrl;
  const kafka = brokers?.length ? createKafka({ brokers, clientId: 'strata-query-api', logger }) : undefined;
  const ownLogOffsets = !options.logOffsets && kafka ? new KafkaLogOffsets(kafka) : undefined;
  const ownPublisher =
    !options.publisher && brokers?.length && registryUrl
      ? new SdkReleasePublisher({ brokers, registryUrl, logger })
      : undefined;
  return {
    dependencies: {
      knex,
      logger,
      publisher: options.publisher ?? ownPublisher ?? withoutKafka,
      logOffsets: options.logOffsets ?? ownLogOffsets ?? withoutKafka,
      access: {
        keys: new ApiKeyVerifier(new ApiKeyStore(knex), { ttlMs: limits.keyCacheTtlMs }),
        rateLimiter: new KeyRateLimiter(limits.rateLimit),
      },
    },
    limits,
    close: async () => {
      await Promise.allSettled([ownLogOffsets?.close(), ownPublisher?.close()]);
      if (!options.knex) await knex.destroy();
    },
  };
}
