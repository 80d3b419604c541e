import type { Knex } from 'knex';
import { createKnex, migrateLatest } from '@strata/database';
import { createTestDatabase as createEmptyDatabase } from '@strata/testing';

export interface TestDatabase {
  url: string;
  knex: Knex;
  drop(): Promise<void>;
}

/** A fresh database with the control migrations applied and a pool on it; drop() closes both. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const database = await createEmptyDatabase({ label: `qapi_${label}` });
  const knex = createKnex(database.url);
  await migrateLatest(knex);
  return {
    url: database.url,
    knex,
    drop: async () => {
      await knex.destroy();
      await database.drop();
    },
  };
}
