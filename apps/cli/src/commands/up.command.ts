import path from 'node:path';
import type { Command } from 'commander';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { ensureAdminKey } from '@strata/auth';
import type { StrataConfig } from '@strata/config';
import { loadEventSchemas, registerSchemas } from '@strata/contracts';
import { createKnex, ensureDatabase } from '@strata/database';
import { applyTopics, createKafka, readTopicsFile, Topics, withReplicationFactor } from '@strata/kafka';
import { EmbeddedBroker } from '@strata/kafka-broker';
import { createLogger } from '@strata/logging';
import { closeOnSignals, type Closer } from '@strata/process';
import { liveSchemaName, partitionEnds, projectedTopics, viewsProjection } from '@strata/projector';
import { EmbeddedRegistry } from '@strata/schema-registry';
import { loadCheckpoints } from '@strata/views';
import { startGateway } from '../../../gateway/src/start';
import { startProjector } from '../../../projector/src/start';
import { startQueryApi } from '../../../query-api/src/start';
import { configFrom, portNumber, withConnectionOptions, type OverrideFlags } from '../options';
import { describeSummary, runDemo } from './demo.command';
import { migrateAll } from './migrate.command';

const topicsFile = path.join(__dirname, '../../../../infra/topics.yaml');

interface UpFlags extends OverrideFlags {
  demo: boolean;
  projectorMetricsPort: number;
  host: string;
}

/** Kafka and the registry: the configured ones, else embedded ones under the data directory. */
async function startEventLog(config: StrataConfig, logger: Logger, closers: Closer[]) {
  let brokers = config.kafkaBrokers;
  if (!brokers) {
    const broker = await EmbeddedBroker.start({
      port: config.kafkaPort,
      dataDir: path.join(config.dataDir, 'broker'),
      logger,
    });
    closers.push(() => broker.stop());
    brokers = [broker.bootstrap];
    logger.info({ bootstrap: broker.bootstrap }, 'embedded broker up');
  }
  let registryUrl = config.schemaRegistryUrl;
  if (!registryUrl) {
    const registry = await EmbeddedRegistry.start({
      port: config.registryPort,
      brokers,
      logger,
    });
    closers.push(() => registry.stop());
    registryUrl = registry.url;
    logger.info({ url: registryUrl }, 'embedded schema registry up');
  }
  return { brokers, registryUrl };
}

/** Creates the topics of infra/topics.yaml (replication capped to the cluster); true when strata.items is empty. */
async function provisionTopics(brokers: string[], logger: Logger): Promise<{ itemsEmpty: boolean }> {
  const admin = createKafka({ brokers, clientId: 'strata-up', logger }).admin();
  await admin.connect();
  try {
    const brokerCount = (await admin.describeCluster()).brokers.length;
    const specs = (await readTopicsFile(topicsFile)).map((spec) =>
      spec.replicationFactor > brokerCount ? withReplicationFactor([spec], brokerCount)[0] : spec,
    );
    const { failures } = await applyTopics(admin, specs, false);
    if (failures.length) throw new Error(`could not provision topics: ${failures.join('; ')}`);
    const offsets = await admin.fetchTopicOffsets(Topics.items);
    return { itemsEmpty: offsets.every((partition) => partition.high === partition.low) };
  } finally {
    await admin.disconnect();
  }
}

/** Resolves once the live views have read every topic up to the log end as it was when called. */
async function waitUntilProjected(
  brokers: string[],
  knex: Knex,
  logger: Logger,
  timeoutMs = 120_000,
): Promise<void> {
  const admin = createKafka({ brokers, clientId: 'strata-up', logger }).admin();
  await admin.connect();
  try {
    const ends = (await partitionEnds(admin, projectedTopics)).filter(({ high }) => high > 0);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const schema = await liveSchemaName(knex);
      const reached = new Map(
        schema
          ? (await loadCheckpoints(knex, schema, viewsProjection)).map((c) => [
              `${c.topic}:${c.partition}`,
              c.nextOffset,
            ])
          : [],
      );
      const behind = ends.filter(
        ({ topic, partition, high }) => (reached.get(`${topic}:${partition}`) ?? 0) < high,
      );
      if (behind.length === 0) return;
      if (Date.now() > deadline) throw new Error(`the projector did not catch up in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await admin.disconnect();
  }
}

export function registerUp(program: Command): void {
  withConnectionOptions(program.command('up'))
    .description('run the whole platform in one process on embedded defaults')
    .option('--data-dir <dir>', 'where embedded parts keep their data (env STRATA_DATA_DIR)')
    .option('--kafka-port <port>', 'embedded broker port (env STRATA_KAFKA_PORT)')
    .option('--registry-port <port>', 'embedded schema registry port (env STRATA_REGISTRY_PORT)')
    .option('--api-port <port>', 'query API port (env STRATA_API_PORT)')
    .option('--gateway-port <port>', 'ingest gateway port (env STRATA_GATEWAY_PORT)')
    .option('--host <host>', 'interface the query API, gateway and projector metrics listen on', '127.0.0.1')
    .option(
      '--projector-metrics-port <port>',
      'port of the projector health and metrics server',
      portNumber,
      9464,
    )
    .option('--no-demo', 'do not publish the demo dataset into an empty log')
    .action(async (flags: UpFlags) => {
      const config = configFrom(flags);
      const logger = createLogger(config.logLevel);
      const closers: Closer[] = [];
      const failAndClose = closeOnSignals(logger, closers);

      if (await ensureDatabase(config.databaseUrl)) logger.info('database created');
      const knex = createKnex(config.databaseUrl, { logger });
      closers.push(() => knex.destroy());
      await migrateAll(knex, logger);

      const { brokers, registryUrl } = await startEventLog(config, logger, closers);
      const { itemsEmpty } = await provisionTopics(brokers, logger);
      await registerSchemas(registryUrl, loadEventSchemas(), logger);

      const projector = await startProjector({
        brokers,
        registryUrl,
        knex,
        logger: logger.child({ component: 'projector' }),
        metricsPort: flags.projectorMetricsPort,
        host: flags.host,
      });
      closers.push(() => projector.stop());
      void projector.failed.then(failAndClose);

      const connections = { config, logger, brokers, registryUrl, host: flags.host };
      const api = await startQueryApi({ ...connections, port: config.apiPort });
      closers.push(() => api.close());
      const gateway = await startGateway({ ...connections, knex, port: config.gatewayPort });
      closers.push(() => gateway.close());
      const adminKey = await ensureAdminKey(config.dataDir, knex);

      if (flags.demo && itemsEmpty) {
        logger.info('empty log: publishing the demo dataset (--no-demo to skip)');
        const summary = await runDemo({
          brokers,
          registryUrl,
          logger,
          demo: { items: 2000, seed: 42, namespace: 'demo' },
        });
        await waitUntilProjected(brokers, knex, logger);
        process.stdout.write(describeSummary(summary, api.url, config.dataDir));
      }
      logger.info(
        {
          explorer: `${api.url}/`,
          api: api.url,
          docs: `${api.url}/docs`,
          gateway: gateway.url,
          projectorMetrics: projector.metricsUrl,
          adminKey: adminKey.path,
        },
        'strata is up; press Ctrl-C to stop',
      );
    });
}
