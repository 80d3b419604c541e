import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArtifactRef } from '@strata/contracts';
import { HistoryBuilder } from '@strata/projection';
import {
  advanceCheckpoints,
  applyBatch,
  CheckpointConflictError,
  createBuildSchema,
  datasetLeaves,
  itemLabelGraph,
  itemLeaves,
  latest,
  leavesOfItems,
  lineage,
  loadCheckpoints,
  streamItemLeaves,
  type AsOf,
} from '@strata/views';
import { collect } from './collect';
import { createTestDatabase } from './test-database';

let knex: Knex;
let drop: () => Promise<void>;

beforeAll(async () => {
  ({ knex, drop } = await createTestDatabase('queries'));
});
afterAll(async () => drop());

const dataset = (id: string): ArtifactRef => ({ kind: 'DATASET', id, version: 'v1' });

describe('lineage', () => {
  const schema = 'lineage_build';
  // raw → clean → features → model, plus a side input `labels` into the features step.
  const history = new HistoryBuilder()
    .startRun('run')
    .applyStep('run', 'clean', [dataset('raw')], [dataset('clean')])
    .applyStep('run', 'featurize', [dataset('clean'), dataset('labels')], [dataset('features')]);
  const beforeTraining = history.events.length;
  history.applyStep('run', 'train', [dataset('features')], [{ kind: 'MODEL', id: 'model', version: '3' }]);

  beforeAll(async () => {
    await createBuildSchema(knex, schema);
    await knex.transaction((trx) => applyBatch(trx, schema, history.events));
  });

  it('walks upstream step by step up to the depth cap', async () => {
    const model: ArtifactRef = { kind: 'MODEL', id: 'model', version: '3' };
    const two = await lineage(knex, schema, {
      from: model,
      direction: 'upstream',
      maxDepth: 2,
      maxNodes: 100,
    });
    expect(two.steps.map((step) => [step.stepId, step.depth])).toEqual([
      ['train', 1],
      ['featurize', 2],
    ]);
    expect(two.artifacts.map((artifact) => [artifact.artifactId, artifact.depth])).toEqual([
      ['model', 0],
      ['features', 1],
      ['clean', 2],
      ['labels', 2],
    ]);
    expect(two.edges).toContainEqual({
      stepId: 'featurize',
      artifactKey: expect.stringContaining('labels'),
      direction: 'INPUT',
    });
    expect(two.truncated).toBe(false);
    const all = await lineage(knex, schema, {
      from: model,
      direction: 'upstream',
      maxDepth: 10,
      maxNodes: 100,
    });
    expect(all.artifacts.map((artifact) => artifact.artifactId)).toContain('raw');
  });

  it('walks downstream, caps the node count nearest first, and respects as-of', async () => {
    const capped = await lineage(knex, schema, {
      from: dataset('raw'),
      direction: 'downstream',
      maxDepth: 10,
      maxNodes: 3,
    });
    expect(capped.truncated).toBe(true);
    expect(
      [...capped.artifacts.map((a) => a.artifactId), ...capped.steps.map((s) => s.stepId)].sort(),
    ).toEqual(['clean', 'clean', 'raw']);
    const { topic, partition } = history.events[0].position;
    const asOf: AsOf = { kind: 'offsets', offsets: [{ topic, partition, offset: beforeTraining }] };
    const before = await lineage(
      knex,
      schema,
      { from: dataset('raw'), direction: 'downstream', maxDepth: 10, maxNodes: 100 },
      asOf,
    );
    expect(before.steps.map((step) => step.stepId)).toEqual(['clean', 'featurize']);
  });
});

describe('label graph and dataset pages', () => {
  const schema = 'labels_build';

  beforeAll(async () => {
    await createBuildSchema(knex, schema);
    const history = new HistoryBuilder();
    for (const itemId of ['a', 'b', 'c', 'd', 'e']) history.registerItem(itemId, ['ds']);
    history
      .createLabel('a', 'a1', 'class')
      .createLabel('a', 'a2', 'bbox')
      .correctLabel('a', 'a3', ['a1'], 'class')
      .reviewLabel('a', 'a3', 'REJECTED')
      .createLabel('b', 'b1', 'class')
      .retractLabel('b', 'b1')
      .createLabel('d', 'd1', 'class');
    await knex.transaction((trx) => applyBatch(trx, schema, history.events));
  });

  it('returns every node, edge, review and retraction of an item', async () => {
    const graph = await itemLabelGraph(knex, schema, 'a');
    expect(graph.nodes.map((node) => node.labelId)).toEqual(['a1', 'a2', 'a3']);
    expect(graph.edges).toEqual([{ childId: 'a3', parentId: 'a1' }]);
    expect(graph.reviews).toMatchObject([{ labelId: 'a3', verdict: 'REJECTED' }]);
    expect(graph.nodes[2]).toMatchObject({
      correctionReason: 'fix',
      offset: expect.any(Number),
      eventTime: expect.any(Number),
    });
    expect((await itemLabelGraph(knex, schema, 'b')).retractions).toMatchObject([{ labelId: 'b1' }]);
  });

  it('pages a dataset by item, optionally one task, listing items without leaves', async () => {
    const first = await datasetLeaves(knex, schema, { dataset: 'ds', limit: 2 });
    expect(
      first.items.map(({ itemId, leaves }) => [
        itemId,
        leaves.map((leaf) => [leaf.labelId, leaf.latestVerdict]),
      ]),
    ).toEqual([
      [
        'a',
        [
          ['a2', null],
          ['a3', 'REJECTED'],
        ],
      ],
      ['b', []],
    ]);
    const second = await datasetLeaves(knex, schema, {
      dataset: 'ds',
      limit: 2,
      afterItemId: first.nextAfterItemId ?? undefined,
    });
    expect(second.items.map((item) => item.itemId)).toEqual(['c', 'd']);
    const last = await datasetLeaves(knex, schema, {
      dataset: 'ds',
      limit: 2,
      afterItemId: second.nextAfterItemId ?? undefined,
    });
    expect(last).toEqual({ items: [{ itemId: 'e', leaves: [] }], nextAfterItemId: null });
    const classOnly = await datasetLeaves(knex, schema, { dataset: 'ds', task: 'class', limit: 1 });
    expect(classOnly.items[0].leaves.map((leaf) => leaf.labelId)).toEqual(['a3']);
  });

  it('streams a dataset through a cursor like its pages, and frees the connection when the reader stops early', async () => {
    const pages = [];
    for (let afterItemId: string | undefined; ;) {
      const page = await datasetLeaves(knex, schema, { dataset: 'ds', afterItemId, limit: 2 });
      pages.push(...page.items);
      if (!page.nextAfterItemId) break;
      afterItemId = page.nextAfterItemId;
    }
    expect(await collect(streamItemLeaves(knex, schema, { dataset: 'ds' }, latest, 1))).toEqual(pages);
    expect(await collect(streamItemLeaves(knex, schema, { dataset: 'missing' }))).toEqual([]);
    // More early exits than the pool (4) has connections: each must give its connection back.
    for (let reader = 0; reader < 6; reader++) {
      for await (const first of streamItemLeaves(knex, schema, { dataset: 'ds' }, latest, 2)) {
        expect(first.itemId).toBe('a');
        break;
      }
    }
    await expect(streamItemLeaves(knex, schema, {}, latest, 0).next()).rejects.toThrow(RangeError);
  });

  it('answers a past point the same on the pool and inside a caller transaction, which stays usable', async () => {
    const beforeRetraction: AsOf = { kind: 'time', time: new Date(Date.UTC(2026, 0, 1) + 10.5 * 1000) };
    const onPool = await leavesOfItems(knex, schema, ['a', 'b'], beforeRetraction);
    expect(onPool.map((leaf) => leaf.labelId)).toEqual(['a2', 'a3', 'b1']);
    await knex.transaction(async (trx) => {
      expect(await leavesOfItems(trx, schema, ['a', 'b'], beforeRetraction)).toEqual(onPool);
      expect((await itemLeaves(trx, schema, 'b')).map((leaf) => leaf.labelId)).toEqual([]);
    });
  });
});

describe('checkpoints', () => {
  it('advance only from the expected value', async () => {
    const schema = 'checkpoint_build';
    await createBuildSchema(knex, schema);
    const at = (nextOffset: number, expectedNextOffset: number | null) => ({
      topic: 'strata.items',
      partition: 0,
      nextOffset,
      expectedNextOffset,
    });
    await knex.transaction((trx) => advanceCheckpoints(trx, schema, 'views', [at(10, null)]));
    await knex.transaction((trx) => advanceCheckpoints(trx, schema, 'views', [at(20, 10)]));
    await expect(
      knex.transaction((trx) => advanceCheckpoints(trx, schema, 'views', [at(30, 10)])),
    ).rejects.toThrow(CheckpointConflictError);
    await expect(
      knex.transaction((trx) => advanceCheckpoints(trx, schema, 'views', [at(30, null)])),
    ).rejects.toThrow(CheckpointConflictError);
    expect(await loadCheckpoints(knex, schema, 'views')).toEqual([
      { topic: 'strata.items', partition: 0, nextOffset: 20 },
    ]);
  });
});
