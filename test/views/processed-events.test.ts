import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Migration } from '@strata/database';
import { HistoryBuilder, projectBatch } from '@strata/projection';
import { applyBatch, checksumBuild, createBuildSchema, insertRowsRaw } from '@strata/views';
import { viewsMigration } from '../../libs/views/src/migrations/0001_views';
import { createTestDatabase } from './test-database';

let knex: Knex;
let drop: () => Promise<void>;

beforeAll(async () => {
  ({ knex, drop } = await createTestDatabase('processed_events'));
});
afterAll(async () => drop());

/** A build as it was before processed_events existed: only the first migration applied. */
async function buildWithFirstMigrationOnly(schema: string): Promise<void> {
  await knex.raw(`CREATE SCHEMA ${schema}`);
  const migrations: Migration[] = [viewsMigration(schema)];
  await knex.migrate.latest({
    migrationSource: {
      getMigrations: async () => migrations,
      getMigrationName: (migration: Migration) => migration.name,
      getMigration: async (migration: Migration) => migration,
    },
    schemaName: schema,
    tableName: 'knex_migrations',
  });
}

const history = () =>
  new HistoryBuilder()
    .registerItem('i')
    .createLabel('i', 'a')
    .correctLabel('i', 'b', ['a'])
    .correctLabel('i', 'x', ['unknown-parent'])
    .reviewLabel('i', 'b', 'APPROVED')
    .retractLabel('i', 'b')
    .startRun('r')
    .applyStep(
      'r',
      's',
      [{ kind: 'ITEM', id: 'i', version: null }],
      [{ kind: 'MODEL', id: 'm', version: '1' }],
    )
    .completeRun('r')
    .freezeSnapshot('snap').events;

describe('processed_events (idempotency by one index probe per event)', () => {
  it('is backfilled when a build made before it is migrated: its events stay exactly once', async () => {
    const schema = 'build_before_processed_events';
    await buildWithFirstMigrationOnly(schema);
    const events = history();
    const changes = projectBatch(events, {
      processedEventIds: [],
      registeredItems: [],
      labels: [],
      runs: [],
      stepIds: [],
      snapshotIds: [],
    });
    expect(changes.deadLetters.map((deadLetter) => deadLetter.reason)).toEqual(['unknown_parent']);
    await knex.transaction((trx) => insertRowsRaw(trx, schema, changes));

    expect(await createBuildSchema(knex, schema)).toEqual(['0002_processed_events']);
    const { rows } = await knex.raw(`SELECT count(*)::int AS n FROM ${schema}.processed_events`);
    expect(rows[0].n).toBe(events.length);

    const before = await checksumBuild(knex, schema);
    const again = await knex.transaction((trx) => applyBatch(trx, schema, events));
    expect(again.skippedDuplicates).toBe(events.length);
    expect(await checksumBuild(knex, schema)).toBe(before);
  });

  it('records every applied and dead-lettered event of a batch, not the re-deliveries', async () => {
    const schema = 'build_processed_events';
    await createBuildSchema(knex, schema);
    const events = history();
    const redelivered = [...events, { ...events[1], position: { ...events[1].position, offset: 999 } }];
    await knex.transaction((trx) => applyBatch(trx, schema, redelivered));

    const { rows } = await knex.raw(`SELECT event_id FROM ${schema}.processed_events ORDER BY event_id`);
    expect((rows as { event_id: string }[]).map((row) => row.event_id)).toEqual(
      events.map(({ event }) => event.event.envelope.eventId).sort(),
    );
  });
});
