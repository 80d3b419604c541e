import { InvalidArgumentError, type Command } from 'commander';
import { createKnex, ensureDatabase } from '@strata/database';
import { createLogger } from '@strata/logging';
import { closeOnSignals } from '@strata/process';
import { startProjector } from '../../../projector/src/start';
import {
  configFrom,
  withConcurrentPartitionsOption,
  withConnectionOptions,
  type OverrideFlags,
} from '../options';

interface ProjectorFlags extends OverrideFlags {
  group: string;
  metricsPort: number;
  host: string;
  maxBatchBytes?: number;
  concurrentPartitions?: number;
}

function port(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) > 65535)
    throw new InvalidArgumentError('must be a port number 0-65535');
  return Number(raw);
}

function byteCount(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1024)
    throw new InvalidArgumentError('must be a whole number ≥ 1024');
  return Number(raw);
}

/** Endpoints of Kafka and the registry: the configured ones, else what `strata up` embeds. */
export function kafkaEndpoints(config: ReturnType<typeof configFrom>) {
  return {
    brokers: config.kafkaBrokers ?? [`127.0.0.1:${config.kafkaPort}`],
    registryUrl: config.schemaRegistryUrl ?? `http://127.0.0.1:${config.registryPort}`,
  };
}

export function registerProjector(program: Command): void {
  withConcurrentPartitionsOption(withConnectionOptions(program.command('projector')))
    .description('fold the event topics into the live views, exactly once, until stopped')
    .option('--group <id>', 'consumer group; instances sharing it split the partitions', 'strata-projector')
    .option('--metrics-port <port>', 'port of /health/live, /health/ready and /metrics', port, 9464)
    .option('--host <host>', 'interface of the metrics server', '0.0.0.0')
    .option(
      '--max-batch-bytes <n>',
      'most bytes fetched per partition at once, i.e. per batch and transaction (default 1 MiB)',
      byteCount,
    )
    .action(async (flags: ProjectorFlags) => {
      const config = configFrom(flags);
      const logger = createLogger(config.logLevel);
      if (await ensureDatabase(config.databaseUrl)) logger.info('database created');
      const knex = createKnex(config.databaseUrl, { logger });
      const projector = await startProjector({
        ...kafkaEndpoints(config),
        knex,
        logger,
        groupId: flags.group,
        metricsPort: flags.metricsPort,
        host: flags.host,
        fetch: flags.maxBatchBytes ? { maxBytesPerPartition: flags.maxBatchBytes } : undefined,
        concurrentPartitions: flags.concurrentPartitions,
      }).catch(async (error: unknown) => {
        await knex.destroy();
        throw error;
      });
      logger.info({ group: flags.group }, 'projector running');
      const failAndClose = closeOnSignals(logger, [() => knex.destroy(), () => projector.stop()]);
      // A projector that stopped for good (e.g. checkpoints past its log) must not look alive.
      void projector.failed.then(failAndClose);
    });
}
