import type { Knex } from 'knex';
import { migrateSchema } from '@strata/database';
import { buildMigrations } from './migrations';
import { quotedSchema } from './schema-name';

/**
 * Creates (or brings up to date) the schema of one projection build with all its tables; the
 * migration bookkeeping lives inside that schema, so each build migrates independently.
 * Returns the names of the migrations newly applied.
 */
export async function createBuildSchema(knex: Knex, schemaName: string): Promise<string[]> {
  quotedSchema(schemaName); // refuses an invalid operator-given name before it reaches SQL
  return migrateSchema(knex, schemaName, buildMigrations(schemaName));
}

/** Drops a build's schema and everything in it. */
export async function dropBuildSchema(knex: Knex, schemaName: string): Promise<void> {
  await knex.raw(`DROP SCHEMA IF EXISTS ${quotedSchema(schemaName)} CASCADE`);
}
