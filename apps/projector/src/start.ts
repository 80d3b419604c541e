import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { EventSerde } from '@strata/contracts';
import { migrateLatest } from '@strata/database';
import { createKafka } from '@strata/kafka';
import {
  kafkaConsumerLagSource,
  kafkaReadinessCheck,
  Observability,
  postgresReadinessCheck,
  schemaRegistryReadinessCheck,
  startObservabilityServer,
  type RunningObservabilityServer,
} from '@strata/observability';
import {
  BatchProjector,
  ensureLiveBuild,
  KafkaDeadLetterPublisher,
  liveSchemaName,
  ProjectionConsumer,
  projectedTopics,
  retryDelayMs,
  type FetchLimits,
} from '@strata/projector';
import { createBuildSchema, loadCheckpoints } from '@strata/views';

export interface StartProjectorOptions {
  brokers: string[];
  registryUrl: string;
  knex: Knex;
  logger: Logger;
  /** Consumer group: instances sharing it split the partitions. Default `strata-projector`. */
  groupId?: string;
  /** Serve /health/live, /health/ready and /metrics here (0: a free port); none when absent. */
  metricsPort?: number;
  /** Interface of the metrics server; default 0.0.0.0. */
  host?: string;
  /** Bounds on one fetch, hence on one batch's transaction and on memory. */
  fetch?: FetchLimits;
  /** Batches of different partitions in flight at once (see `ProjectionConsumerOptions`); default 3. */
  concurrentPartitions?: number;
  /** How often the live build pointer is read, to follow a `strata rebuild --swap`; default 1000 ms. */
  liveBuildPollMs?: number;
}

export interface RunningProjector {
  /** Base URL of the health and metrics server, when one was asked for. */
  metricsUrl?: string;
  /**
   * Resolves with the reason if the projector stopped projecting for good (e.g. the live build's
   * checkpoints are past the end of the log: CheckpointPastLogEndError); the process should then
   * stop and exit with a failure. Never resolves while it projects.
   */
  failed: Promise<Error>;
  stop(): Promise<void>;
}

/**
 * The live projector: folds strata.items, strata.runs and strata.snapshots into the live build's
 * views, exactly once, and follows the live build pointer when a rebuild is swapped in. On a fresh
 * database it creates the control tables and a first live build.
 */
export async function startProjector(options: StartProjectorOptions): Promise<RunningProjector> {
  const { knex, logger } = options;
  await migrateConcurrently(logger, 'the control tables', () => migrateLatest(knex));
  const live = await ensureLiveBuild(knex);
  // Each build migrates on its own: a live build made by an earlier version gets the view migrations
  // added since (its rows kept), before anything is written to or read from it.
  await migrateConcurrently(logger, `the live build ${live.name}`, () =>
    createBuildSchema(knex, live.schemaName),
  );
  logger.info({ build: live.name, schema: live.schemaName }, 'projecting into the live build');

  const kafka = createKafka({ brokers: options.brokers, clientId: 'strata-projector', logger });
  const deadLetters = await KafkaDeadLetterPublisher.connect(kafka);
  const projector = new BatchProjector({
    knex,
    decoder: new EventSerde({ registryUrl: options.registryUrl, logger }),
    deadLetters,
  });
  const observability = new Observability({
    service: 'projector',
    logger,
    checks: [
      kafkaReadinessCheck(kafka),
      schemaRegistryReadinessCheck(options.registryUrl),
      postgresReadinessCheck(knex),
    ],
  });
  const consumer = new ProjectionConsumer({
    kafka,
    knex,
    projector,
    logger,
    groupId: options.groupId ?? 'strata-projector',
    topics: projectedTopics,
    schemaName: live.schemaName,
    fetch: options.fetch,
    concurrentPartitions: options.concurrentPartitions,
    metrics: observability.metrics,
  });
  observability.metrics.watchConsumerLag(
    kafkaConsumerLagSource({
      kafka,
      projection: projector.projection,
      topics: projectedTopics,
      readPositions: () => loadCheckpoints(knex, consumer.schema, projector.projection),
    }),
  );
  const stoppers: (() => Promise<void>)[] = [() => observability.close(), () => deadLetters.close()];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop();
  };
  try {
    let server: RunningObservabilityServer | undefined;
    if (options.metricsPort !== undefined) {
      server = await startObservabilityServer(observability, {
        port: options.metricsPort,
        host: options.host,
      });
      stoppers.push(() => server!.close());
      logger.info({ url: server.url }, 'projector health and metrics listening');
    }
    stoppers.push(() => consumer.stop());
    await consumer.start();
    const watcher = followLiveBuild(knex, logger, options.liveBuildPollMs ?? 1000, (schema) =>
      consumer.switchSchema(schema),
    );
    stoppers.push(async () => watcher.stop());
    let stopped: Promise<void> | undefined;
    return { metricsUrl: server?.url, failed: consumer.whenFailed, stop: () => (stopped ??= stopAll()) };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Reads the live build pointer every `intervalMs` and reports its schema when it changed. Polling
 * rather than LISTEN/NOTIFY: it needs no dedicated connection and a swap waits at most a second.
 */
function followLiveBuild(knex: Knex, logger: Logger, intervalMs: number, onSchema: (schema: string) => void) {
  let polling = false;
  const timer = setInterval(() => {
    if (polling) return;
    polling = true;
    liveSchemaName(knex)
      .then((schema) => {
        if (schema) onSchema(schema);
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'could not read the live build pointer'))
      .finally(() => (polling = false));
  }, intervalMs);
  return { stop: () => clearInterval(timer) };
}

/** Another process migrating at the same moment: knex's lock is held, or PostgreSQL saw a concurrent CREATE. */
const concurrentMigration = (error: unknown) =>
  error instanceof Error &&
  (error.name === 'MigrationLocked' ||
    ['23505', '42P06', '42P07'].includes((error as { code?: string }).code ?? ''));

/**
 * Migrations (`what`: the control tables, a build), waiting for another process doing them at the
 * same time (replicas starting together): knex refuses rather than waits while its migration lock is held.
 */
async function migrateConcurrently(
  logger: Logger,
  what: string,
  migrate: () => Promise<unknown>,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await migrate();
      return;
    } catch (error) {
      if (!concurrentMigration(error) || attempt >= 20) throw error;
      logger.info({ attempt }, `another process is migrating ${what}; waiting`);
      await sleep(retryDelayMs(attempt));
    }
  }
}
