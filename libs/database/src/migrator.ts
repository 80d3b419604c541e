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

/** PostgreSQL's answers when two processes create the same schema or table (or its row type) at the same moment. */
const concurrentCreation = new Set(['23505', '42P06', '42P07', '42710']);

/**
 * Creates a schema if missing and brings it to the latest of `migrations`, with knex's bookkeeping
 * inside that schema. Replicas starting together race to create the schema and the bookkeeping table
 * (knex's own lock only exists once that table does): the loser retries, then waits on the lock.
 * Knex's lock row is made here, race-free, before knex looks (see {@link ensureOneLockRow}).
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
      await ensureOneLockRow(knex, schemaName);
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

/**
 * Knex's lock table with exactly one row. Knex makes that row with a check-then-insert, so two
 * processes migrating a fresh schema at once could each insert one; with two rows knex's
 * `UPDATE … SET is_locked = 1 WHERE is_locked = 0` touches two, which it reports as "Migration table
 * is already locked" on every attempt, for good (seen as a projector replica that never started).
 * Here the row has a fixed key, so a second insert is a no-op, and a table a race already left with
 * several rows keeps its first. The table is the one knex would create (it then finds it, and the row).
 */
async function ensureOneLockRow(knex: Knex, schemaName: string): Promise<void> {
  const lockTable = `${schemaName}.knex_migrations_lock`; // `??` quotes it as "schema"."table"
  await knex.raw('CREATE TABLE IF NOT EXISTS ?? (index serial PRIMARY KEY, is_locked integer)', [lockTable]);
  await knex.raw('DELETE FROM ?? WHERE index > (SELECT min(index) FROM ??)', [lockTable, lockTable]);
  await knex.raw(
    'INSERT INTO ?? (index, is_locked) SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM ??) ON CONFLICT (index) DO NOTHING',
    [lockTable, lockTable],
  );
}

/** Applies the control-plane migrations (schema `strata`); returns the names newly applied. */
export async function migrateLatest(knex: Knex): Promise<string[]> {
  return migrateSchema(knex, 'strata', controlMigrations);
}
