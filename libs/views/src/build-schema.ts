import type { Knex } from 'knex';
import type { Migration } from '@strata/database';
import { buildMigrations } from './migrations';
import { quotedSchema } from './schema-name';

/** Migrations are listed in code, not globbed from disk, so they run the same under SWC, vitest and a build. */
function migrationSource(migrations: Migration[]): Knex.MigratorConfig['migrationSource'] {
  return {
    getMigrations: async () => migrations,
    getMigrationName: (migration: Migration) => migration.name,
    getMigration: async (migration: Migration) => migration,
  };
}

/**
 * Creates (or brings up to date) the schema of one projection build with all its tables; the
 * migration bookkeeping lives inside that schema, so each build migrates independently.
 * Returns the names of the migrations newly applied.
 */
export async function createBuildSchema(knex: Knex, schemaName: string): Promise<string[]> {
  await knex.raw(`CREATE SCHEMA IF NOT EXISTS ${quotedSchema(schemaName)}`);
  const [, applied] = (await knex.migrate.latest({
    migrationSource: migrationSource(buildMigrations(schemaName)),
    schemaName,
    tableName: 'knex_migrations',
  })) as [number, string[]];
  return applied;
}

/** Drops a build's schema and everything in it. */
export async function dropBuildSchema(knex: Knex, schemaName: string): Promise<void> {
  await knex.raw(`DROP SCHEMA IF EXISTS ${quotedSchema(schemaName)} CASCADE`);
}
