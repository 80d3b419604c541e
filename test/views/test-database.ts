import type { Knex } from 'knex';
import { Client } from 'pg';
import { createKnex, ensureDatabase } from '@strata/database';

const adminUrl = process.env.STRATA_TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database of its own for one test file, dropped WITH (FORCE) by `drop`. */
export async function createTestDatabase(label: string): Promise<{ knex: Knex; drop: () => Promise<void> }> {
  const name = `strata_test_${label}_${process.pid}_${Date.now()}`;
  const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  await ensureDatabase(url);
  const knex = createKnex(url, { max: 4 });
  return {
    knex,
    drop: async () => {
      await knex.destroy();
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
