import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArtifactRef } from '@strata/contracts';
import {
  artifactKeyOf,
  claimNewArtifactKeys,
  emptyChanges,
  HistoryBuilder,
  StoredIdFilter,
  type EventOrigin,
  type ItemRow,
  type ViewChanges,
} from '@strata/projection';
import { applyBatch, applyChanges, createBuildSchema } from '@strata/views';
import { createTestDatabase } from './test-database';

let knex: Knex;
let drop: () => Promise<void>;
let schemaCounter = 0;

beforeAll(async () => {
  ({ knex, drop } = await createTestDatabase('copy_writer'));
});
afterAll(async () => drop());

async function freshBuild(): Promise<string> {
  const schema = `build_${++schemaCounter}`;
  await createBuildSchema(knex, schema);
  return schema;
}

/** Strings COPY's text format gives a meaning to, or that a careless encoder would mangle. */
const hostileStrings = [
  '',
  'tab\there',
  'line\nbreak',
  'carriage\rreturn\r\n',
  'back\\slash \\\\ double \\N \\t \\x41',
  '\\N',
  '\\.',
  '\\',
  'trailing tab\t',
  'unicode: é ß 漢字 𝄞 👩‍👩‍👧 \u200b \u2028 \ufeff',
  'unicode beside escapes: é\t漢字\n𝄞\\N\r',
  'quotes \' " and , ; | delimiters',
];

const origin = (eventId: string, eventTime: number, offset: number): EventOrigin => ({
  eventId,
  eventTime,
  partition: 0,
  offset,
  namespace: 'ns\twith\ttabs',
  producerName: 'producer\\name',
  producerVersion: '1.0\n',
  actorKind: 'human',
  actorId: 'actör',
});

const itemRow = (index: number, text: string, eventTime: number): ItemRow => ({
  origin: origin(`event-${index}`, eventTime, index),
  itemId: `item-${index}-${text}`,
  uri: `s3://bucket/${text}`,
  contentHash: text,
  mediaType: 'image/png',
  source: index % 2 === 0 ? null : text,
  license: text,
  attributes: JSON.stringify({ text, nested: { list: [text, null, 1.5] } }),
});

const changesWithItems = (items: ItemRow[]): ViewChanges => ({ ...emptyChanges(), items });

const countItems = async (db: Knex | Knex.Transaction, schema: string): Promise<number> =>
  Number((await db.withSchema(schema).table('items').count({ n: '*' }))[0].n);

describe('applyChanges writes rows with COPY', () => {
  it('round-trips hostile text, JSON, NULLs and empty strings exactly', async () => {
    const schema = await freshBuild();
    const items = hostileStrings.map((text, index) => itemRow(index, text, 1_700_000_000_123 + index));
    await knex.transaction((trx) => applyChanges(trx, schema, changesWithItems(items)));

    const stored = await knex.withSchema(schema).table('items').select('*').orderBy('log_offset');
    expect(
      stored.map((row) => ({
        itemId: row.item_id,
        uri: row.uri,
        contentHash: row.content_hash,
        source: row.source,
        license: row.license,
        attributes: row.attributes,
        namespace: row.namespace,
        producerName: row.producer_name,
        producerVersion: row.producer_version,
        actorId: row.actor_id,
      })),
    ).toEqual(
      items.map((item) => ({
        itemId: item.itemId,
        uri: item.uri,
        contentHash: item.contentHash,
        source: item.source,
        license: item.license,
        attributes: JSON.parse(item.attributes),
        namespace: item.origin.namespace,
        producerName: item.origin.producerName,
        producerVersion: item.origin.producerVersion,
        actorId: item.origin.actorId,
      })),
    );
  });

  it('stores times exactly to the millisecond, from before 1 AD to past 9999', async () => {
    const schema = await freshBuild();
    const utc = (year: number, ...rest: [number, number, number, number, number, number]) =>
      new Date(Date.UTC(2000, ...rest)).setUTCFullYear(year); // Date.UTC reads years 0–99 as 19xx
    const times = [
      0,
      -1,
      1_700_000_000_123,
      utc(9999, 11, 31, 23, 59, 59, 999),
      utc(10000, 0, 1, 0, 0, 0, 0),
      utc(123456, 5, 7, 8, 9, 10, 11),
      utc(1, 0, 1, 0, 0, 0, 0) - 1, // the last millisecond of 1 BC (JavaScript's year 0)
      utc(-500, 2, 3, 4, 5, 6, 7),
    ];
    const items = times.map((time, index) => itemRow(index, 'time', time));
    await knex.transaction((trx) => applyChanges(trx, schema, changesWithItems(items)));

    const { rows } = await knex.raw(
      `SELECT bool_and(extract(epoch FROM i.event_time) * 1000 = t.ms) AS all_equal, count(*)::int AS n
         FROM ${schema}.items i JOIN unnest(?::bigint[], ?::bigint[]) AS t(ms, log_offset) USING (log_offset)`,
      [times, times.map((_, index) => index)],
    );
    expect(rows[0]).toEqual({ all_equal: true, n: times.length });
  });

  it('round-trips every byte value of a dead letter and its NULLs', async () => {
    const schema = await freshBuild();
    const raw = Buffer.from(Array.from({ length: 256 }, (_, byte) => byte));
    const deadLetters: ViewChanges['deadLetters'] = [
      {
        position: { topic: 'strata.items', partition: 1, offset: 7, timestamp: 1_700_000_000_000 },
        eventId: null,
        type: null,
        reason: 'undecodable',
        detail: 'bad\tbytes\n\\',
        raw,
      },
      {
        position: { topic: 'strata.items', partition: 1, offset: 8, timestamp: 1_700_000_000_001 },
        eventId: 'e-8',
        type: 'LabelCorrected',
        reason: 'unknown_parent',
        detail: '',
        raw: null,
      },
    ];
    await knex.transaction((trx) => applyChanges(trx, schema, { ...emptyChanges(), deadLetters }));

    const stored = await knex.withSchema(schema).table('dead_letters').select('*').orderBy('log_offset');
    expect(stored.map((row) => [row.event_id, row.event_type, row.detail, row.raw])).toEqual([
      [null, null, 'bad\tbytes\n\\', raw],
      ['e-8', 'LabelCorrected', '', null],
    ]);
  });

  it('is part of the caller’s transaction: invisible outside until commit, gone on rollback', async () => {
    const schema = await freshBuild();
    const items = [itemRow(1, 'a', 1), itemRow(2, 'b', 2)];
    const rolledBack = new Error('roll back');
    await expect(
      knex.transaction(async (trx) => {
        await applyChanges(trx, schema, changesWithItems(items));
        expect(await countItems(trx, schema)).toBe(2);
        expect(await countItems(knex, schema)).toBe(0);
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
    expect(await countItems(knex, schema)).toBe(0);
  });

  it('refuses text with a NUL character, naming the column, and writes nothing', async () => {
    const schema = await freshBuild();
    const items = [itemRow(1, 'fine', 1), itemRow(2, 'nul\u0000inside', 2)];
    await expect(
      knex.transaction((trx) => applyChanges(trx, schema, changesWithItems(items))),
    ).rejects.toThrow('items.item_id: text contains a NUL character');
    expect(await countItems(knex, schema)).toBe(0);
  });

  it('a COPY the database refuses fails the transaction, which rolls back; the pool stays usable', async () => {
    const schema = await freshBuild();
    await knex.transaction((trx) => applyChanges(trx, schema, changesWithItems([itemRow(1, 'a', 1)])));
    const duplicateEvent = { ...itemRow(2, 'b', 2), origin: origin('event-1', 2, 2) };
    await expect(
      knex.transaction((trx) =>
        applyChanges(trx, schema, changesWithItems([itemRow(3, 'c', 3), duplicateEvent])),
      ),
    ).rejects.toThrow(/duplicate key value violates unique constraint/);
    // More transactions than the pool has connections: none was left broken mid-COPY.
    for (let attempt = 0; attempt < 6; attempt++) expect(await countItems(knex, schema)).toBe(1);
    await knex.transaction((trx) => applyChanges(trx, schema, changesWithItems([itemRow(4, 'd', 4)])));
    expect(await countItems(knex, schema)).toBe(2);
  });

  describe('artifacts a rebuild claims as new are COPYed; another batch in flight with the same key upserts it', () => {
    const corpus = (version: string): ArtifactRef => ({ kind: 'DATASET', id: 'corpus', version });
    // Run 1 writes corpus@v2, run 2 (another batch, in flight at the same time) reads it.
    const events = new HistoryBuilder()
      .startRun('run-1')
      .applyStep('run-1', 'clean-1', [corpus('v1')], [corpus('v2')])
      .startRun('run-2')
      .applyStep('run-2', 'clean-2', [corpus('v2')], [corpus('v3')]).events;
    const firstRun = events.slice(0, 2);
    const secondRun = events.slice(2);
    const artifactKeys = async (schema: string) =>
      (await knex(`${schema}.artifacts`).orderBy('artifact_key').pluck('artifact_key')) as string[];
    const keysOf = (...versions: string[]) => versions.map((version) => artifactKeyOf(corpus(version)));
    /** The first run's batch written in an open transaction, the second's started beside it. */
    async function bothInFlight(schema: string, stored: StoredIdFilter) {
      const first = await knex.transaction();
      await applyBatch(first, schema, firstRun, stored);
      // Waits on the first batch's uncommitted corpus@v2 rather than failing on it.
      const second = knex.transaction((trx) => applyBatch(trx, schema, secondRun, stored));
      return { first, second };
    }

    it('both commit and the shared key is one row', async () => {
      const schema = await freshBuild();
      const { first, second } = await bothInFlight(schema, new StoredIdFilter(100));
      await first.commit();
      await second;
      expect(await artifactKeys(schema)).toEqual(keysOf('v1', 'v2', 'v3'));
    });

    it('when the claiming batch rolls back, the other one writes the shared key', async () => {
      const schema = await freshBuild();
      const stored = new StoredIdFilter(100);
      const { first, second } = await bothInFlight(schema, stored);
      await first.rollback();
      await second;
      expect(await artifactKeys(schema)).toEqual(keysOf('v2', 'v3'));
      // The first batch again (its retry): its keys are claimed already, so it upserts them.
      await knex.transaction((trx) => applyBatch(trx, schema, firstRun, stored));
      expect(await artifactKeys(schema)).toEqual(keysOf('v1', 'v2', 'v3'));
    });

    /** The connections waiting for a lock: a transaction blocked on another's uncommitted key. */
    const lockWaits = async () =>
      Number(
        (
          await knex.raw(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
          )
        ).rows[0].n,
      );

    it.each(['still open', 'committed'])(
      'when the other batch upserted the claimed key first (%s), the claiming COPY gives way to an upsert',
      async (otherState) => {
        const schema = await freshBuild();
        const stored = new StoredIdFilter(100);
        // The first run's batch is projected and claims corpus@v1 and @v2 …
        const firstChanges: ViewChanges = {
          ...emptyChanges(),
          artifacts: [corpus('v1'), corpus('v2')].map((ref) => ({
            artifactKey: artifactKeyOf(ref),
            kind: ref.kind,
            artifactId: ref.id,
            version: ref.version,
          })),
        };
        const claimed = claimNewArtifactKeys(stored, firstChanges.artifacts);
        expect([...claimed].sort()).toEqual(keysOf('v1', 'v2'));
        // … but the second run's batch, projected after it, reaches the database first.
        const second = await knex.transaction();
        await applyBatch(second, schema, secondRun, stored);
        if (otherState === 'committed') await second.commit();
        const first = knex.transaction((trx) => applyChanges(trx, schema, firstChanges, claimed));
        if (otherState === 'still open') {
          await expect.poll(lockWaits).toBe(1);
          await second.commit();
        }
        await first;
        expect(await artifactKeys(schema)).toEqual(keysOf('v1', 'v2', 'v3'));
      },
    );
  });
});
