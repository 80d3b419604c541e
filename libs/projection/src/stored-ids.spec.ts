import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { footprintOf } from './footprint';
import { projectBatch } from './project';
import { addStoredIds, claimNewArtifactKeys, priorStateLookups, StoredIdFilter } from './stored-ids';
import { batchedHistoryArbitrary } from './testing/history-arbitrary';
import { InMemoryViews } from './testing/in-memory-views';
import type { ArtifactRow, BatchFootprint, PositionedEvent } from './types';

const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

const noIds: BatchFootprint = {
  eventIds: [],
  itemIds: [],
  labelIds: [],
  runIds: [],
  stepIds: [],
  snapshotIds: [],
};

describe('StoredIdFilter', () => {
  it('never says "absent" for an id it was given, whatever the ids', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 200 }), (given) => {
        const filter = new StoredIdFilter(given.length);
        for (const id of given) filter.add('label', id);
        expect(given.filter((id) => !filter.mayContain('label', id))).toEqual([]);
      }),
    );
  });

  it('says "maybe" for few ids it was never given, at the size it was made for', () => {
    const filter = new StoredIdFilter(20_000);
    for (const id of ids('event', 20_000)) filter.add('event', id);
    const falseMaybes = ids('other', 20_000).filter((id) => filter.mayContain('event', id)).length;
    expect(falseMaybes / 20_000).toBeLessThan(0.02);
  });

  it('keeps kinds apart: an item id is not a label id', () => {
    const filter = new StoredIdFilter(5000);
    for (const id of ids('x', 5000)) filter.add('item', id);
    expect(ids('x', 5000).filter((id) => filter.mayContain('label', id)).length).toBeLessThan(100);
  });

  it('shares its bits with a filter made over its buffer: what either adds, both may contain', () => {
    const filter = new StoredIdFilter(1000);
    const sharing = new StoredIdFilter(filter.buffer);
    filter.add('item', 'a');
    sharing.add('label', 'b');
    expect([sharing.mayContain('item', 'a'), filter.mayContain('label', 'b')]).toEqual([true, true]);
    expect(filter.mayContain('item', 'never-added')).toBe(sharing.mayContain('item', 'never-added'));
  });

  it('stays within its byte limit, and only says "maybe" more often past it', () => {
    const filter = new StoredIdFilter(1_000_000, 4096);
    expect(filter.byteLength).toBe(4096);
    const given = ids('event', 10_000);
    for (const id of given) filter.add('event', id);
    expect(given.every((id) => filter.mayContain('event', id))).toBe(true);
  });
});

describe('claimNewArtifactKeys', () => {
  const artifact = (artifactKey: string): ArtifactRow => ({
    artifactKey,
    kind: 'DATASET',
    artifactId: artifactKey,
    version: null,
  });

  it('gives each key to at most one batch, and never a key an earlier batch had', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uniqueArray(fc.constantFrom(...ids('corpus@v', 30)), { maxLength: 20 }), {
          maxLength: 8,
        }),
        fc.boolean(),
        (batches, tiny) => {
          const filter = new StoredIdFilter(tiny ? 1 : 10_000);
          const seen = new Set<string>();
          for (const keys of batches) {
            const claimed = claimNewArtifactKeys(filter, keys.map(artifact));
            expect([...claimed].filter((key) => seen.has(key) || !keys.includes(key))).toEqual([]);
            for (const key of keys) seen.add(key);
          }
        },
      ),
    );
  });

  it('claims every key of a first batch when the filter has room', () => {
    const keys = ids('file', 500);
    const claimed = claimNewArtifactKeys(new StoredIdFilter(10_000), keys.map(artifact));
    expect([...claimed].sort()).toEqual([...keys].sort());
  });
});

describe('priorStateLookups', () => {
  const footprint: BatchFootprint = {
    eventIds: ['e1', 'e2'],
    itemIds: ['i1', 'i2'],
    labelIds: ['l1', 'l2'],
    runIds: ['r1'],
    stepIds: ['s1'],
    snapshotIds: ['n1'],
  };

  it('looks everything up without a filter', () => {
    expect(priorStateLookups(footprint)).toEqual({
      eventIds: ['e1', 'e2'],
      registeredItemIds: ['i1', 'i2'],
      labelledItemIds: ['i1', 'i2'],
      labelIds: ['l1', 'l2'],
      runIds: ['r1'],
      stepIds: ['s1'],
      snapshotIds: ['n1'],
    });
  });

  it('looks up only what the filter may hold, per kind', () => {
    const filter = new StoredIdFilter(100);
    filter.add('event', 'e2');
    filter.add('item', 'i1');
    filter.add('labelledItem', 'i2');
    filter.add('label', 'l1');
    filter.add('step', 's1');
    expect(priorStateLookups(footprint, filter)).toEqual({
      eventIds: ['e2'],
      registeredItemIds: ['i1'],
      labelledItemIds: ['i2'],
      labelIds: ['l1'],
      runIds: [],
      stepIds: ['s1'],
      snapshotIds: [],
    });
  });

  it('gives the same changes as full lookups for any history and batching, even when the filter is full', () => {
    const project = (batches: readonly PositionedEvent[][], stored?: StoredIdFilter) => {
      const views = new InMemoryViews();
      return batches.map((batch) => {
        const lookups = priorStateLookups(footprintOf(batch), stored);
        const registered = views.priorFor({ ...noIds, itemIds: lookups.registeredItemIds });
        const prior = views.priorFor({
          ...lookups,
          itemIds: lookups.labelledItemIds,
        });
        const changes = projectBatch(batch, { ...prior, registeredItems: registered.registeredItems });
        if (stored) addStoredIds(stored, changes);
        views.apply(changes);
        return changes;
      });
    };
    fc.assert(
      fc.property(batchedHistoryArbitrary(), fc.boolean(), ({ batches }, tiny) => {
        // 1024 bits for at most a few hundred ids: many false "maybe" answers, which must change nothing either.
        const stored = new StoredIdFilter(tiny ? 1 : 10_000);
        expect(project(batches, stored)).toEqual(project(batches));
      }),
      { numRuns: 200 },
    );
  });
});
