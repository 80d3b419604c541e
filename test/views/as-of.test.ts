import fc from 'fast-check';
import type { Knex } from 'knex';
import type { ArtifactRef } from '@strata/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryBuilder, type PositionedEvent } from '@strata/projection';
import { historyArbitrary, splitAt } from '../../libs/projection/src/testing/history-arbitrary';
import {
  applyBatch,
  allItemLeaves,
  checksumBuild,
  createBuildSchema,
  datasetLeaves,
  latest,
  streamItemLeaves,
  type DatasetLeavesPage,
  itemLabelGraph,
  itemLeaves,
  lineage,
  type AsOf,
} from '@strata/views';
import { collect } from './collect';
import { createTestDatabase } from './test-database';

let knex: Knex;
let drop: () => Promise<void>;
let schemaCounter = 0;

beforeAll(async () => {
  ({ knex, drop } = await createTestDatabase('as_of'));
});
afterAll(async () => drop());

async function buildFrom(batches: readonly PositionedEvent[][]): Promise<string> {
  const schema = `build_${++schemaCounter}`;
  await createBuildSchema(knex, schema);
  for (const batch of batches) await knex.transaction((trx) => applyBatch(trx, schema, batch));
  return schema;
}

/** Artifacts the random histories' steps read and write (see history-arbitrary). */
const lineageStarts: ArtifactRef[] = [
  { kind: 'ITEM', id: 'item-0', version: null },
  { kind: 'DATASET', id: 'ds-1', version: 'v1' },
];

const partitionKey = ({ topic, partition }: { topic: string; partition: number }) => `${topic}:${partition}`;

/** A random point of a history: per partition a next offset anywhere in [0, end], some partitions left out; or a time. */
const pointArbitrary = (events: readonly PositionedEvent[]): fc.Arbitrary<AsOf> => {
  const ends = new Map<string, { topic: string; partition: number; end: number }>();
  for (const { position } of events)
    ends.set(partitionKey(position), { ...position, end: position.offset + 1 });
  const offsets = fc
    .tuple(
      ...[...ends.values()].map(({ topic, partition, end }) =>
        fc.option(
          fc.record({
            topic: fc.constant(topic),
            partition: fc.constant(partition),
            offset: fc.nat({ max: end }),
          }),
          { freq: 6 },
        ),
      ),
    )
    .map((cuts): AsOf => ({ kind: 'offsets', offsets: cuts.filter((cut) => cut !== null) }));
  const times = events.map((event) => event.event.event.envelope.eventTime);
  const time = fc
    .integer({ min: Math.min(0, ...times), max: Math.max(1, ...times) + 1 })
    .map((millis): AsOf => ({ kind: 'time', time: new Date(millis) }));
  return fc.oneof({ weight: 3, arbitrary: offsets }, { weight: 1, arbitrary: time });
};

/** Every page of a keyset-paged question, from the start, concatenated in order. */
async function everyPage(read: (afterItemId: string | undefined) => Promise<DatasetLeavesPage>) {
  const items: DatasetLeavesPage['items'] = [];
  for (let afterItemId: string | undefined; ;) {
    const page = await read(afterItemId);
    items.push(...page.items);
    if (page.nextAfterItemId === null) return items;
    afterItemId = page.nextAfterItemId;
  }
}

/** The prefix of the log a rebuild to `asOf` replays, in the same order. */
function eventsBefore(events: readonly PositionedEvent[], asOf: AsOf): PositionedEvent[] {
  if (asOf.kind === 'latest') return [...events];
  if (asOf.kind === 'time')
    return events.filter((event) => event.event.event.envelope.eventTime < asOf.time.getTime());
  const cut = new Map(asOf.offsets.map((position) => [partitionKey(position), position.offset]));
  return events.filter(({ position }) => position.offset < (cut.get(partitionKey(position)) ?? -1));
}

describe('as of a point of the log', () => {
  it('answers from the live views exactly what a rebuild to that point gives', async () => {
    await fc.assert(
      fc.asyncProperty(
        historyArbitrary({ maxCommands: 40, crossPartitionFaults: false }).chain((events) =>
          fc.record({
            events: fc.constant(events),
            asOf: pointArbitrary(events),
            cuts: fc.uniqueArray(fc.nat({ max: events.length }), { maxLength: 4 }),
          }),
        ),
        async ({ events, asOf, cuts }) => {
          const live = await buildFrom(splitAt(events, cuts));
          const rebuilt = await buildFrom([eventsBefore(events, asOf)]);
          expect(await checksumBuild(knex, live, asOf)).toBe(await checksumBuild(knex, rebuilt));
          for (const itemId of ['item-0', 'item-1', 'item-2', 'item-3']) {
            expect(await itemLeaves(knex, live, itemId, asOf)).toEqual(
              await itemLeaves(knex, rebuilt, itemId),
            );
            expect(await itemLabelGraph(knex, live, itemId, asOf)).toEqual(
              await itemLabelGraph(knex, rebuilt, itemId),
            );
          }
          // Datasets of the arbitrary: dataset-a for the items registered up front, dataset-0/1 on re-registration.
          for (const dataset of ['dataset-a', 'dataset-0', 'dataset-1']) {
            for (const task of [undefined, 'bbox']) {
              const page = (afterItemId: string | undefined) => ({ dataset, task, afterItemId, limit: 2 });
              const expected = await everyPage((after) => datasetLeaves(knex, rebuilt, page(after)));
              expect(await everyPage((after) => datasetLeaves(knex, live, page(after), asOf))).toEqual(
                expected,
              );
              expect(await collect(streamItemLeaves(knex, live, { dataset, task }, asOf, 2))).toEqual(
                expected,
              );
              // At latest the stream reads a cursor instead of pages: same items, same leaves.
              expect(await collect(streamItemLeaves(knex, rebuilt, { dataset, task }, latest, 2))).toEqual(
                expected,
              );
            }
          }
          const everyItem = await everyPage((afterItemId) =>
            allItemLeaves(knex, rebuilt, { afterItemId, limit: 3 }),
          );
          expect(
            await everyPage((afterItemId) => allItemLeaves(knex, live, { afterItemId, limit: 3 }, asOf)),
          ).toEqual(everyItem);
          expect(await collect(streamItemLeaves(knex, live, {}, asOf, 3))).toEqual(everyItem);
          expect(await collect(streamItemLeaves(knex, rebuilt, {}, latest, 3))).toEqual(everyItem);
          for (const from of lineageStarts) {
            for (const direction of ['upstream', 'downstream'] as const) {
              const query = { from, direction, maxDepth: 3, maxNodes: 20 };
              expect(await lineage(knex, live, query, asOf)).toEqual(await lineage(knex, rebuilt, query));
            }
          }
        },
      ),
      { numRuns: 20 },
    );
    // Each run builds two schemas; shrinking a failure takes many runs more.
  }, 300_000);

  it('ignores retractions and reviews made after the point', async () => {
    const history = new HistoryBuilder()
      .registerItem('i')
      .createLabel('i', 'a')
      .correctLabel('i', 'b', ['a'])
      .reviewLabel('i', 'b', 'APPROVED');
    const cutBefore = history.events.length;
    history.reviewLabel('i', 'b', 'REJECTED').retractLabel('i', 'b');
    const live = await buildFrom([history.events]);
    const { topic, partition } = history.events[0].position;
    const before: AsOf = { kind: 'offsets', offsets: [{ topic, partition, offset: cutBefore }] };

    expect((await itemLeaves(knex, live, 'i')).map((leaf) => [leaf.labelId, leaf.latestVerdict])).toEqual([
      ['a', null],
    ]);
    expect(
      (await itemLeaves(knex, live, 'i', before)).map((leaf) => [leaf.labelId, leaf.latestVerdict]),
    ).toEqual([['b', 'APPROVED']]);
    const timeBefore: AsOf = {
      kind: 'time',
      time: new Date(history.events[cutBefore].event.event.envelope.eventTime),
    };
    expect(await itemLeaves(knex, live, 'i', timeBefore)).toEqual(await itemLeaves(knex, live, 'i', before));
    expect(await itemLeaves(knex, live, 'i', { kind: 'offsets', offsets: [] })).toEqual([]);
  });
});
