import { Client } from 'pg';
import type { Knex } from 'knex';
import { createKnex, ensureDatabase, migrateLatest } from '@strata/database';

const adminUrl = process.env.STRATA_TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  knex: Knex;
  drop(): Promise<void>;
}

/** A fresh database with the control migrations applied, dropped (forcibly) by drop(). */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `strata_test_qapi_${label}_${process.pid}_${Date.now()}`;
  const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();
  await ensureDatabase(url);
  const knex = createKnex(url);
  await migrateLatest(knex);
  return {
    url,
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
