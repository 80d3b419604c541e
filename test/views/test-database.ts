import type { Knex } from 'knex';
import { createKnex } from '@strata/database';
import { createTestDatabase as createEmptyDatabase } from '@strata/testing';

/** A database of its own for one test file, with a small pool; `drop` closes the pool and drops it. */
export async function createTestDatabase(label: string): Promise<{ knex: Knex; drop: () => Promise<void> }> {
  const database = await createEmptyDatabase({ label });
  const knex = createKnex(database.url, { max: 4 });
  return {
    knex,
    drop: async () => {
      await knex.destroy();
      await database.drop();
    },
  };
}
