import { afterAll, describe, expect, it } from 'vitest';
import { Client } from 'pg';
import pino from 'pino';
import { createKnex, ensureDatabase, migrateLatest, migrateSchema, type Migration } from './index';

const adminUrl = process.env.STRATA_TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const name = `strata_test_db_${process.pid}_${Date.now()}`;
const url = Object.assign(new URL(adminUrl), { pathname: `/${name}` }).toString();

afterAll(async () => {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();
});

describe('database bootstrap', () => {
  it('creates a missing database once, then applies migrations idempotently', async () => {
    expect(await ensureDatabase(url)).toBe(true);
    expect(await ensureDatabase(url)).toBe(false);
    const knex = createKnex(url);
    try {
      const first = await migrateLatest(knex);
      expect(first).toContain('0001_builds');
      expect(await migrateLatest(knex)).toEqual([]);
      const tables = await knex('information_schema.tables')
        .where({ table_schema: 'strata' })
        .pluck('table_name');
      expect(tables).toEqual(expect.arrayContaining(['builds', 'live_build']));
    } finally {
      await knex.destroy();
    }
  });

  it('lets processes migrate a fresh schema together, and mends a lock table a race left with two rows', async () => {
    await ensureDatabase(url);
    const migration: Migration = {
      name: '0001_table',
      up: async (db) => db.schema.withSchema('together').createTable('t', (table) => table.integer('x')),
      down: async (db) => db.schema.withSchema('together').dropTable('t'),
    };
    const knexes = Array.from({ length: 4 }, () => createKnex(url));
    try {
      const applied = await Promise.all(knexes.map((knex) => migrateSchema(knex, 'together', [migration])));
      expect(applied.flat()).toEqual(['0001_table']);
      expect(await knexes[0]('together.knex_migrations_lock').count('* as n')).toEqual([{ n: '1' }]);

      // What knex's check-then-insert of its lock row could leave: every later migration refused
      // ("Migration table is already locked"), until mended.
      await knexes[0]('together.knex_migrations_lock').insert({ index: 2, is_locked: 0 });
      expect(await migrateSchema(knexes[1], 'together', [migration])).toEqual([]);
      expect(await knexes[0]('together.knex_migrations_lock').count('* as n')).toEqual([{ n: '1' }]);
    } finally {
      await Promise.all(knexes.map((knex) => knex.destroy()));
    }
  });

  it("routes knex's own warnings (a dropped connection's reason) to the structured log", async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const knex = createKnex(adminUrl, { max: 1, logger });
    try {
      const connection = (await knex.client.acquireConnection()) as { __knex__disposed?: string };
      connection.__knex__disposed = 'closed mid-COPY: its reader left';
      await knex.client.releaseConnection(connection);
      // The pool validates the connection before handing it out again, drops it, and says why.
      expect(await knex.raw('SELECT 1 AS one')).toMatchObject({ rows: [{ one: 1 }] });
      expect(lines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
        expect.objectContaining({
          level: 40,
          component: 'knex',
          msg: 'Connection Error: closed mid-COPY: its reader left',
        }),
      ]);
    } finally {
      await knex.destroy();
    }
  });
});
