import type { Command } from 'commander';
import { createKnex, ensureDatabase, migrateLatest } from '@strata/database';
import { createLogger } from '@strata/logging';
import { closeOnSignals, type Closer } from '@strata/process';
import { configFrom, withConnectionOptions, type OverrideFlags } from '../options';

export function registerUp(program: Command): void {
  withConnectionOptions(program.command('up'))
    .description('run the whole platform in one process on embedded defaults')
    .option('--data-dir <dir>', 'where embedded parts keep their data (env STRATA_DATA_DIR)')
    .option('--kafka-port <port>', 'embedded broker port (env STRATA_KAFKA_PORT)')
    .option('--registry-port <port>', 'embedded schema registry port (env STRATA_REGISTRY_PORT)')
    .option('--api-port <port>', 'query API port (env STRATA_API_PORT)')
    .option('--gateway-port <port>', 'ingest gateway port (env STRATA_GATEWAY_PORT)')
    .action(async (flags: OverrideFlags) => {
      const config = configFrom(flags);
      const logger = createLogger(config.logLevel);
      const closers: Closer[] = [];
      closeOnSignals(logger, closers);

      if (await ensureDatabase(config.databaseUrl)) logger.info('database created');
      const knex = createKnex(config.databaseUrl);
      closers.push(() => knex.destroy());
      const applied = await migrateLatest(knex);
      logger.info({ applied }, 'migrations up to date');

      logger.info({ dataDir: config.dataDir }, 'strata is up; press Ctrl-C to stop');
    });
}
