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

/** Applies the control-plane migrations (schema `strata`); returns the names newly applied. */
export async function migrateLatest(knex: Knex): Promise<string[]> {
  await knex.raw('CREATE SCHEMA IF NOT EXISTS strata');
  const [, applied] = (await knex.migrate.latest({
    migrationSource: sourceOf(controlMigrations),
    schemaName: 'strata',
    tableName: 'knex_migrations',
  })) as [number, string[]];
  return applied;
}
