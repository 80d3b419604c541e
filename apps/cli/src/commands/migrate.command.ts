import type { Command } from 'commander';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { createKnex, ensureDatabase, migrateLatest } from '@strata/database';
import { createLogger } from '@strata/logging';
import { migrateBuilds } from '@strata/projector';
import { configFrom, withDatabaseOption, type OverrideFlags } from '../options';

export function registerMigrate(program: Command): void {
  withDatabaseOption(program.command('migrate'))
    .description(
      'create the database if missing and apply all migrations: the control tables, then every finished build',
    )
    .action(async (flags: OverrideFlags) => {
      const config = configFrom(flags);
      const logger = createLogger(config.logLevel);
      if (await ensureDatabase(config.databaseUrl)) logger.info('database created');
      const knex = createKnex(config.databaseUrl, { logger });
      try {
        await migrateAll(knex, logger);
      } finally {
        await knex.destroy();
      }
    });
}

/** The control tables, then every finished build (each build schema migrates on its own). */
export async function migrateAll(knex: Knex, logger: Logger): Promise<void> {
  const applied = await migrateLatest(knex);
  logger.info({ applied }, applied.length ? 'migrations applied' : 'database is up to date');
  for (const { build, applied: viewMigrations } of await migrateBuilds(knex)) {
    if (viewMigrations.length) logger.info({ build, applied: viewMigrations }, 'build migrated');
  }
}
