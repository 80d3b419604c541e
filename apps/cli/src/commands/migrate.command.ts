import type { Command } from 'commander';
import { createKnex, ensureDatabase, migrateLatest } from '@strata/database';
import { createLogger } from '@strata/logging';
import { configFrom, withDatabaseOption, type OverrideFlags } from '../options';

export function registerMigrate(program: Command): void {
  withDatabaseOption(program.command('migrate'))
    .description('create the database if missing and apply all migrations')
    .action(async (flags: OverrideFlags) => {
      const config = configFrom(flags);
      const logger = createLogger(config.logLevel);
      if (await ensureDatabase(config.databaseUrl)) logger.info('database created');
      const knex = createKnex(config.databaseUrl, { logger });
      try {
        const applied = await migrateLatest(knex);
        logger.info({ applied }, applied.length ? 'migrations applied' : 'database is up to date');
      } finally {
        await knex.destroy();
      }
    });
}
