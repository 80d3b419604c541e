import fc from 'fast-check';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyChanges, HistoryBuilder, referenceFold, type PositionedEvent } from '@strata/projection';
import { everyInvalidCase } from '../../libs/projection/src/testing/invalid-events';
import { batchedHistoryArbitrary, splitAt } from '../../libs/projection/src/testing/history-arbitrary';
import {
  applyBatch,
  applyChanges,
  itemLabelGraph,
  checksumBuild,
  createBuildSchema,
  itemLeaves,
  leavesOfItems,
  InvalidSchemaNameError,
  type AsOf,
} from '@strata/views';
import { createTestDatabase } from './test-database';

let knex: Knex;
let drop: () => Promise<void>;
let schemaCounter = 0;

beforeAll(async () => {
  ({ knex, drop } = await createTestDatabase('views'));
});
afterAll(async () => drop());

async function freshSchema(): Promise<string> {
  const schema = `build_${++schemaCounter}`;
  await createBuildSchema(knex, schema);
  return schema;
}

async function project(schema: string, batches: readonly PositionedEvent[][]): Promise<void> {
  for (const batch of batches) await knex.transaction((trx) => applyBatch(trx, schema, batch));
}

async function storedLeaves(schema: string, asOf: AsOf = { kind: 'latest' }) {
  const { rows } = await knex.raw(`SELECT DISTINCT item_id FROM "${schema}".label_nodes ORDER BY item_id`);
  const itemIds = (rows as { item_id: string }[]).map((row) => row.item_id);
  const leaves = await leavesOfItems(knex, schema, itemIds, asOf);
  return new Map(
    itemIds.map((itemId) => [
      itemId,
      leaves
        .filter((leaf) => leaf.itemId === itemId)
        .map(({ labelId, task, latestVerdict }) => ({ labelId, task, latestVerdict }))
        .sort((a, b) => (a.labelId < b.labelId ? -1 : 1)),
    ]),
  );
}

async function storedDeadLetters(schema: string) {
  const { rows } = await knex.raw(
    `SELECT event_id, reason FROM "${schema}".dead_letters ORDER BY record_time, event_id`,
  );
  return (rows as { event_id: string; reason: string }[]).map((row) => ({
    eventId: row.event_id,
    reason: row.reason,
  }));
}

describe('build schema', () => {
  it('creates every table once and refuses unsafe names', async () => {
    const schema = await freshSchema();
    expect(await createBuildSchema(knex, schema)).toEqual([]);
    const { rows } = await knex.raw(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = ?',
      [schema],
    );
    expect((rows as { table_name: string }[]).map((row) => row.table_name)).toEqual(
      expect.arrayContaining([
        'items',
        'label_nodes',
        'label_leaves',
        'lineage_edges',
        'checkpoints',
        'dead_letters',
      ]),
    );
    await expect(createBuildSchema(knex, 'x"; DROP SCHEMA public; --')).rejects.toThrow(
      InvalidSchemaNameError,
    );
  });
});

describe('projection into PostgreSQL', () => {
  it('gives the leaves and dead letters of the reference fold, batch by batch', async () => {
    await fc.assert(
      fc.asyncProperty(batchedHistoryArbitrary({ maxCommands: 40 }), async ({ events, batches }) => {
        const schema = await freshSchema();
        await project(schema, batches);
        const reference = referenceFold(events);
        expect(await storedLeaves(schema)).toEqual(reference.leavesByItem);
        // Event times increase along the history, so record time orders dead letters as the log does.
        expect(await storedDeadLetters(schema)).toEqual(reference.deadLetters);
        const checksum = await checksumBuild(knex, schema);
        // The maintained leaves equal the leaves recomputed from the rows.
        expect(await checksumBuild(knex, schema, { kind: 'offsets', offsets: endOffsets(events) })).toBe(
          checksum,
        );
        // A redelivered batch changes nothing.
        await project(schema, batches.slice(0, 1));
        expect(await checksumBuild(knex, schema)).toBe(checksum);
      }),
      { numRuns: 15 },
    );
  });

  it('gives the same checksum whatever batches the same events arrive in', async () => {
    await fc.assert(
      fc.asyncProperty(
        batchedHistoryArbitrary({ maxCommands: 40 }).chain(({ events, batches }) =>
          fc.record({
            batches: fc.constant(batches),
            otherBatches: fc
              .uniqueArray(fc.nat({ max: Math.max(events.length, 1) }), { maxLength: 8 })
              .map((cuts) => splitAt(events, cuts)),
          }),
        ),
        async ({ batches, otherBatches }) => {
          const one = await freshSchema();
          const other = await freshSchema();
          await project(one, batches);
          await project(other, otherBatches);
          expect(await checksumBuild(knex, other)).toBe(await checksumBuild(knex, one));
        },
      ),
      { numRuns: 15 },
    );
  });

  it('dead-letters each invalid event with its reason and applies the rest of the batch', async () => {
    const schema = await freshSchema();
    const { events, expectedReasons, appliedLabelIds, leavesOfI } = everyInvalidCase();
    await project(schema, [events]);
    const { rows } = await knex.raw(
      `SELECT reason, detail, event_type, topic, log_partition FROM "${schema}".dead_letters ORDER BY record_time`,
    );
    expect(rows.map((row: { reason: string }) => row.reason)).toEqual(expectedReasons);
    expect(rows[4]).toEqual({
      reason: 'unknown_parent',
      detail: 'missing',
      event_type: 'LabelCorrected',
      topic: events[9].position.topic,
      log_partition: events[9].position.partition,
    });
    const graph = await itemLabelGraph(knex, schema, 'i');
    expect(graph.nodes.map((node) => node.labelId)).toEqual(appliedLabelIds.filter((id) => id !== 'z'));
    expect((await itemLeaves(knex, schema, 'i')).map((leaf) => leaf.labelId)).toEqual(leavesOfI);
  });

  it('stores records the consumer could not decode, raw bytes included', async () => {
    const schema = await freshSchema();
    const position = { topic: 'strata.items', partition: 2, offset: 41, timestamp: Date.UTC(2026, 0, 1) };
    const raw = Buffer.from([0, 0, 0, 0, 99, 1, 2]);
    await knex.transaction((trx) =>
      applyChanges(trx, schema, {
        ...emptyChanges(),
        deadLetters: [
          { position, eventId: null, type: null, reason: 'undecodable', detail: 'unknown schema id 99', raw },
        ],
      }),
    );
    const { rows } = await knex.raw(`SELECT reason, raw, event_id FROM "${schema}".dead_letters`);
    expect(rows).toEqual([{ reason: 'undecodable', raw, event_id: null }]);
  });

  it('changes nothing when an already applied batch is applied again', async () => {
    const schema = await freshSchema();
    const { events } = new HistoryBuilder()
      .registerItem('i')
      .createLabel('i', 'a')
      .correctLabel('i', 'b', ['a'])
      .correctLabel('i', 'x', ['nope'])
      .startRun('r')
      .applyStep(
        'r',
        's',
        [{ kind: 'DATASET', id: 'd', version: null }],
        [{ kind: 'MODEL', id: 'm', version: '1' }],
      );
    await project(schema, [events]);
    const before = await checksumBuild(knex, schema);
    const again = await knex.transaction((trx) => applyBatch(trx, schema, events));
    expect(again.skippedDuplicates).toBe(events.length);
    expect(await checksumBuild(knex, schema)).toBe(before);
  });
});

/** The offset vector just past every event of a history (what the checkpoints say after projecting it). */
function endOffsets(events: readonly PositionedEvent[]) {
  const next = new Map<string, { topic: string; partition: number; offset: number }>();
  for (const { position } of events) {
    next.set(`${position.topic}:${position.partition}`, {
      topic: position.topic,
      partition: position.partition,
      offset: position.offset + 1,
    });
  }
  return [...next.values()];
}
