import fc from 'fast-check';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Migration } from '@strata/database';
import { HistoryBuilder, projectBatch, StoredIdFilter, type PositionedEvent } from '@strata/projection';
import {
  applyBatch,
  checksumBuild,
  createBuildSchema,
  deferIndexes,
  deferrableIndexes,
  restoreIndexes,
  insertRowsRaw,
} from '@strata/views';
import { batchedHistoryArbitrary } from '../../libs/projection/src/testing/history-arbitrary';
import { viewsMigration } from '../../libs/views/src/migrations/0001_views';
import { sampleGroupsMigration } from '../../libs/views/src/migrations/0003_sample_groups';
import { createTestDatabase } from './test-database';

let knex: Knex;
let drop: () => Promise<void>;

beforeAll(async () => {
  ({ knex, drop } = await createTestDatabase('processed_events'));
});
afterAll(async () => drop());

/**
 * A build as it was before processed_events existed: the first migration applied, and the column of
 * a later one (lineage_edges.sample_groups) that today's writer, which fills the build, needs.
 */
async function buildWithoutProcessedEvents(schema: string): Promise<void> {
  await knex.raw(`CREATE SCHEMA ${schema}`);
  const migrations: Migration[] = [viewsMigration(schema), sampleGroupsMigration(schema)];
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
    await buildWithoutProcessedEvents(schema);
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

    expect(await createBuildSchema(knex, schema)).toEqual(['0002_processed_events', '0004_artifact_lookup']);
    const { rows } = await knex.raw(`SELECT count(*)::int AS n FROM ${schema}.processed_events`);
    expect(rows[0].n).toBe(events.length);

    const before = await checksumBuild(knex, schema);
    const again = await knex.transaction((trx) => applyBatch(trx, schema, events));
    expect(again.skippedDuplicates).toBe(events.length);
    expect(await checksumBuild(knex, schema)).toBe(before);
  });

  it('is keyless while a rebuild writes, then holds what batch-by-batch writing holds, key and all', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(batchedHistoryArbitrary({ maxCommands: 40 }), async ({ batches }) => {
        run += 1;
        const live = `build_live_${run}`;
        const rebuilt = `build_rebuilt_${run}`;
        await createBuildSchema(knex, live);
        await createBuildSchema(knex, rebuilt);
        for (const batch of batches) await knex.transaction((trx) => applyBatch(trx, live, batch));
        // As a rebuild writes: its re-deliveries are "maybe" to the filter and are caught through
        // the event-id tables, processed_events having no key to probe.
        const deferred = await deferIndexes(knex, rebuilt);
        expect(await indexDefinitions(rebuilt)).toHaveLength(
          (await indexDefinitions(live)).length - deferrableIndexes.length,
        );
        const stored = new StoredIdFilter(100);
        let skipped = 0;
        for (const batch of batches)
          skipped += (await knex.transaction((trx) => applyBatch(trx, rebuilt, batch, stored)))
            .skippedDuplicates;
        expect(skipped).toBe(redeliveriesIn(batches));
        await restoreIndexes(knex, deferred);

        expect(await indexDefinitions(rebuilt)).toEqual(await indexDefinitions(live));
        expect(await columnDefinitions(rebuilt)).toEqual(await columnDefinitions(live));
        expect(await processedEventIds(rebuilt)).toEqual(await processedEventIds(live));
        const checksum = await checksumBuild(knex, live);
        expect(await checksumBuild(knex, rebuilt)).toBe(checksum);
        // Gone live, the build is continued without the filter: a re-delivery is still one.
        const again = await knex.transaction((trx) => applyBatch(trx, rebuilt, batches[0]));
        expect(again.skippedDuplicates).toBe(batches[0].length);
        expect(await checksumBuild(knex, rebuilt)).toBe(checksum);
      }),
      { numRuns: 25 },
    );
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

/** Events of the history whose eventId an earlier event of it already had. */
function redeliveriesIn(batches: readonly PositionedEvent[][]): number {
  const eventIds = batches.flat().map(({ event }) => event.event.envelope.eventId);
  return eventIds.length - new Set(eventIds).size;
}

async function processedEventIds(schema: string): Promise<string[]> {
  const { rows } = await knex.raw(`SELECT event_id FROM ${schema}.processed_events ORDER BY event_id`);
  return (rows as { event_id: string }[]).map((row) => row.event_id);
}

/** Every index of a build schema as its CREATE INDEX statement, the schema's name left out. */
async function indexDefinitions(schema: string): Promise<string[]> {
  const { rows } = await knex.raw(`SELECT indexdef FROM pg_indexes WHERE schemaname = ? ORDER BY indexname`, [
    schema,
  ]);
  return (rows as { indexdef: string }[]).map(({ indexdef }) => indexdef.replaceAll(`${schema}.`, ''));
}

/** Every column of a build schema with its type and nullability. */
async function columnDefinitions(schema: string): Promise<string[]> {
  const { rows } = await knex.raw(
    `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable AS definition
       FROM information_schema.columns WHERE table_schema = ? ORDER BY table_name, column_name`,
    [schema],
  );
  return (rows as { definition: string }[]).map(({ definition }) => definition);
}
