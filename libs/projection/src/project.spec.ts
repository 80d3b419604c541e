import fc from 'fast-check';
import { packItemRefs } from '@strata/contracts';
import { describe, expect, it } from 'vitest';
import { footprintOf } from './footprint';
import { isRejected } from './leaves';
import { projectBatch } from './project';
import { batchedHistoryArbitrary } from './testing/history-arbitrary';
import { HistoryBuilder } from './testing/history-builder';
import { everyInvalidCase } from './testing/invalid-events';
import { InMemoryViews } from './testing/in-memory-views';
import { referenceFold } from './testing/reference-fold';
import type { PositionedEvent } from './types';

/** Projects the batches one after the other, each over the prior state the earlier ones left. */
function projectInBatches(batches: readonly PositionedEvent[][]): InMemoryViews {
  const views = new InMemoryViews();
  for (const batch of batches) views.apply(projectBatch(batch, views.priorFor(footprintOf(batch))));
  return views;
}

const leafIds = (views: InMemoryViews, itemId: string) =>
  (views.leaves.get(itemId) ?? []).map((leaf) => leaf.labelId).sort();

describe('projectBatch leaf semantics', () => {
  it('retracting the middle of a → b → c leaves only c', () => {
    const { events } = new HistoryBuilder()
      .registerItem('i')
      .createLabel('i', 'a')
      .correctLabel('i', 'b', ['a'])
      .correctLabel('i', 'c', ['b'])
      .retractLabel('i', 'b');
    expect(leafIds(projectInBatches([events]), 'i')).toEqual(['c']);
  });

  it('retracting a mistaken correction makes its parent a leaf again, even across batches', () => {
    const { events } = new HistoryBuilder()
      .registerItem('i')
      .createLabel('i', 'a')
      .correctLabel('i', 'b', ['a'])
      .retractLabel('i', 'b');
    const views = projectInBatches([events.slice(0, 3), events.slice(3)]);
    expect(leafIds(views, 'i')).toEqual(['a']);
  });

  it('a consolidation of several labels supersedes all of them; retracting it restores them', () => {
    const history = new HistoryBuilder()
      .registerItem('i')
      .createLabel('i', 'a')
      .createLabel('i', 'b')
      .createLabel('i', 'x')
      .correctLabel('i', 'c', ['a', 'b']);
    expect(leafIds(projectInBatches([history.events]), 'i')).toEqual(['c', 'x']);
    history.retractLabel('i', 'c');
    expect(leafIds(projectInBatches([history.events]), 'i')).toEqual(['a', 'b', 'x']);
  });

  it('sees a label created earlier in the same batch', () => {
    const { events } = new HistoryBuilder()
      .registerItem('i')
      .createLabel('i', 'a')
      .correctLabel('i', 'b', ['a']);
    const changes = projectBatch(events, new InMemoryViews().priorFor(footprintOf(events)));
    expect(changes.deadLetters).toEqual([]);
    expect(changes.labelEdges.map(({ childId, parentId }) => [childId, parentId])).toEqual([['b', 'a']]);
    // The item had no labels before the batch, so no leaves stored to replace: its rows are new.
    expect(changes.leaves).toEqual({
      replacedItemIds: [],
      rows: [{ itemId: 'i', labelId: 'b', task: 'class', latestVerdict: null }],
    });
  });

  it('replaces the stored leaves of an item that had labels before the batch, and only of such items', () => {
    const history = new HistoryBuilder().registerItem('i').createLabel('i', 'a').registerItem('j');
    const views = new InMemoryViews();
    views.apply(projectBatch(history.events, views.priorFor(footprintOf(history.events))));
    const later = history.events.length;
    history.correctLabel('i', 'b', ['a']).createLabel('j', 'x');
    const events = history.events.slice(later);
    const changes = projectBatch(events, views.priorFor(footprintOf(events)));
    expect(changes.leaves).toEqual({
      replacedItemIds: ['i'],
      rows: [
        { itemId: 'i', labelId: 'b', task: 'class', latestVerdict: null },
        { itemId: 'j', labelId: 'x', task: 'class', latestVerdict: null },
      ],
    });
  });

  it('carries the latest review verdict on each leaf', () => {
    const { events } = new HistoryBuilder()
      .registerItem('i')
      .createLabel('i', 'a')
      .reviewLabel('i', 'a', 'APPROVED')
      .reviewLabel('i', 'a', 'REJECTED');
    const [leaf] = projectInBatches([events.slice(0, 3), events.slice(3)]).leaves.get('i') ?? [];
    expect(leaf.latestVerdict).toBe('REJECTED');
    expect(isRejected(leaf)).toBe(true);
  });
});

describe('projectBatch invalid events', () => {
  it('dead-letters each invalid event with its reason and applies the rest of the batch', () => {
    const { events, expectedReasons, appliedLabelIds, leavesOfI } = everyInvalidCase();
    const changes = projectBatch(events, new InMemoryViews().priorFor(footprintOf(events)));
    expect(changes.deadLetters.map((letter) => letter.reason)).toEqual(expectedReasons);
    expect(changes.deadLetters[0]).toMatchObject({ position: events[5].position, type: 'ItemRegistered' });
    expect(changes.labelNodes.map((node) => node.labelId)).toEqual(appliedLabelIds);
    expect(changes.leaves.rows.filter((leaf) => leaf.itemId === 'i').map((leaf) => leaf.labelId)).toEqual(
      leavesOfI,
    );
    expect(changes.runs).toHaveLength(1);
    expect(changes.runSteps).toHaveLength(1);
    expect(changes.snapshots).toHaveLength(1);
  });

  it('skips a redelivered eventId, within a batch and across batches, without a dead letter', () => {
    const history = new HistoryBuilder().registerItem('i').createLabel('i', 'a').redeliver(1).redeliver(0);
    const views = new InMemoryViews();
    const first = projectBatch(history.events, views.priorFor(footprintOf(history.events)));
    views.apply(first);
    expect(first.skippedDuplicates).toBe(2);
    const again = projectBatch(history.events, views.priorFor(footprintOf(history.events)));
    expect(again.skippedDuplicates).toBe(4);
    expect({ ...again, skippedDuplicates: 0 }).toEqual({
      ...projectBatch([], views.priorFor(footprintOf([]))),
    });
  });
});

describe('projectBatch packed item refs', () => {
  const dataset = { kind: 'DATASET' as const, id: 'raw', version: null };
  const item = (id: string) => ({ kind: 'ITEM' as const, id, version: null });
  const inputIds = ['α-1', 'b'];
  const outputIds = ['α-1:x', 'b:x', 'b:y'];
  const project = (history: HistoryBuilder) =>
    projectBatch(history.events, new InMemoryViews().priorFor(footprintOf(history.events)));
  const edgesOf = (changes: ReturnType<typeof projectBatch>) =>
    changes.lineageEdges.map(({ direction, ordinal, artifactKey }) => ({ direction, ordinal, artifactKey }));

  it('projects the same artifacts and lineage edges as the refs listed one by one', () => {
    const packed = project(
      new HistoryBuilder()
        .startRun('run')
        .applyStep('run', 'step', [dataset], [], packItemRefs(inputIds, outputIds)),
    );
    const listed = project(
      new HistoryBuilder()
        .startRun('run')
        .applyStep('run', 'step', [dataset, ...inputIds.map(item)], outputIds.map(item)),
    );
    expect(packed.deadLetters).toEqual([]);
    expect(packed.artifacts).toEqual(listed.artifacts);
    expect(edgesOf(packed)).toEqual(edgesOf(listed));
    expect(edgesOf(packed)).toHaveLength(6);
  });

  it('projects outputs written as "the inputs" like the same ids listed as outputs', () => {
    const packed = project(
      new HistoryBuilder()
        .startRun('run')
        .applyStep('run', 'step', [], [], packItemRefs(inputIds, [...inputIds])),
    );
    const listed = project(
      new HistoryBuilder().startRun('run').applyStep('run', 'step', inputIds.map(item), inputIds.map(item)),
    );
    expect(packed.deadLetters).toEqual([]);
    expect(edgesOf(packed)).toEqual(edgesOf(listed));
    expect(edgesOf(packed).filter((edge) => edge.direction === 'OUTPUT')).toHaveLength(inputIds.length);
  });

  it('gives each packed item its sample groups, and listed refs none (they belong to the whole step)', () => {
    // α-1 → α-1:x, b → b:x b:y; then the same dataset and a repeated input id: the crops of one image.
    const paired = project(
      new HistoryBuilder()
        .startRun('run')
        .applyStep('run', 'step', [dataset], [], packItemRefs(inputIds, outputIds, [1, 1, 1, 1, 2, 1]))
        .applyStep(
          'run',
          'crops',
          [dataset],
          [],
          packItemRefs(['b', 'b', 'c'], ['b:1', 'b:2', 'c:1'], [1, 1, 3]),
        ),
    );
    expect(paired.deadLetters).toEqual([]);
    const groupsOf = (stepId: string) =>
      paired.lineageEdges
        .filter((edge) => edge.stepId === stepId)
        .map(({ direction, artifactKey, sampleGroups }) => [
          direction,
          JSON.parse(artifactKey)[1],
          sampleGroups,
        ]);
    expect(groupsOf('step')).toEqual([
      ['INPUT', 'raw', null],
      ['INPUT', 'α-1', [0]],
      ['INPUT', 'b', [1]],
      ['OUTPUT', 'α-1:x', [0]],
      ['OUTPUT', 'b:x', [1]],
      ['OUTPUT', 'b:y', [1]],
    ]);
    // An item read twice is one edge in both its groups.
    expect(groupsOf('crops')).toEqual([
      ['INPUT', 'raw', null],
      ['INPUT', 'b', [0, 1]],
      ['INPUT', 'c', [2]],
      ['OUTPUT', 'b:1', [0]],
      ['OUTPUT', 'b:2', [1]],
      ['OUTPUT', 'c:1', [2]],
    ]);
    const unpaired = project(
      new HistoryBuilder()
        .startRun('run')
        .applyStep('run', 'step', [], [], packItemRefs(inputIds, outputIds)),
    );
    expect(unpaired.lineageEdges.every((edge) => edge.sampleGroups === null)).toBe(true);
  });

  it('dead-letters a pairing that does not cover the ids, naming it', () => {
    const { deadLetters } = project(
      new HistoryBuilder()
        .startRun('run')
        .applyStep('run', 'step', [], [], packItemRefs(inputIds, outputIds, [1, 1, 2])),
    );
    expect(deadLetters.map(({ reason, detail }) => ({ reason, detail }))).toEqual([
      { reason: 'malformed_item_refs', detail: 'itemRefs.pairing covers 2 output ids but outputCount is 3' },
    ]);
  });

  it('dead-letters outputsAreInputs with a differing output count', () => {
    const { deadLetters } = project(
      new HistoryBuilder()
        .startRun('run')
        .applyStep('run', 'step', [], [], { ...packItemRefs(inputIds, [...inputIds]), outputCount: 1 }),
    );
    expect(deadLetters.map(({ reason, detail }) => ({ reason, detail }))).toEqual([
      {
        reason: 'malformed_item_refs',
        detail: expect.stringContaining('itemRefs.outputCount must equal inputCount (2)') as string,
      },
    ]);
  });
});

describe('projectBatch against the reference fold', () => {
  it('gives the same leaves and dead letters for any history, however it is split into batches', () => {
    fc.assert(
      fc.property(batchedHistoryArbitrary(), ({ events, batches }) => {
        const reference = referenceFold(events);
        const views = projectInBatches(batches);
        // An item without leaves may be absent or hold an empty list: both are no rows.
        const projectedLeaves = new Map(
          [...views.leaves]
            .filter(([, leaves]) => leaves.length > 0)
            .map(([itemId, leaves]) => [
              itemId,
              leaves
                .map(({ labelId, task, latestVerdict }) => ({ labelId, task, latestVerdict }))
                .sort((a, b) => (a.labelId < b.labelId ? -1 : 1)),
            ]),
        );
        expect(projectedLeaves).toEqual(
          new Map([...reference.leavesByItem].filter(([, leaves]) => leaves.length > 0)),
        );
        expect(views.deadLetters.map(({ eventId, reason }) => ({ eventId, reason }))).toEqual(
          reference.deadLetters,
        );
      }),
      { numRuns: 300 },
    );
  });
});
