import type { Knex } from 'knex';
import { controlMigrations } from './migrations';

export interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Migrations are listed in code (not globbed from disk) so they run the same under SWC, vitest and a build. */
function sourceOf(migrations: Migration[]): Knex.MigratorConfig['migrationSource'] {
  return {
    getMigrations: async () => migrations,
    getMigrationName: (migration: Migration) => migration.name,
    getMigration: async (migration: Migration) => migration,
  };
}

/** PostgreSQL's answers when two processes create the same schema or table at the same moment. */
const concurrentCreation = new Set(['23505', '42P06', '42P07']);

/**
 * Creates a schema if missing and brings it to the latest of `migrations`, with knex's bookkeeping
 * inside that schema. Replicas starting together race to create the schema and the bookkeeping table
 * (knex's own lock only exists once that table does): the loser retries, then waits on the lock.
 * Returns the names newly applied.
 */
export async function migrateSchema(
  knex: Knex,
  schemaName: string,
  migrations: Migration[],
): Promise<string[]> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await knex.raw('CREATE SCHEMA IF NOT EXISTS ??', [schemaName]);
      const [, applied] = (await knex.migrate.latest({
        migrationSource: sourceOf(migrations),
        schemaName,
        tableName: 'knex_migrations',
      })) as [number, string[]];
      return applied;
    } catch (error) {
      if (attempt >= 5 || !concurrentCreation.has((error as { code?: string }).code ?? '')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/** Applies the control-plane migrations (schema `strata`); returns the names newly applied. */
export async function migrateLatest(knex: Knex): Promise<string[]> {
  return migrateSchema(knex, 'strata', controlMigrations);
}
