import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packItemRefs, type ArtifactRef } from '@strata/contracts';
import { artifactKeyOf, HistoryBuilder } from '@strata/projection';
import {
  applyBatch,
  createBuildSchema,
  lineage,
  quotedSchema,
  type LineageGraph,
  type LineageQuery,
} from '@strata/views';
import { createTestDatabase } from './test-database';

let knex: Knex;
let drop: () => Promise<void>;
const schema = 'provenance_build';

/**
 * A pipeline run with per-item provenance, as the SDK records it: three operations over 3000 items,
 * each operation one step per chunk of 500 items (its provenance event), the last one fanning every
 * item out into two. Then a second run, of another namespace, trains on the augmented items.
 */
const itemCount = 3000;
const chunkSize = 500;
const item = (id: string): ArtifactRef => ({ kind: 'ITEM', id, version: null });
const operations = [
  { name: 'resize', from: (i: number) => [item(`i${i}`)], to: (i: number) => [item(`i${i}/512`)] },
  { name: 'dedupe', from: (i: number) => [item(`i${i}/512`)], to: (i: number) => [item(`i${i}/dedup`)] },
  {
    name: 'augment',
    from: (i: number) => [item(`i${i}/dedup`)],
    to: (i: number) => [item(`i${i}/aug`), item(`i${i}/flip`)],
  },
];
const history = new HistoryBuilder().startRun('prep');
const chunkStarts = Array.from({ length: itemCount / chunkSize }, (_, chunk) => chunk * chunkSize);
const range = (start: number) => Array.from({ length: chunkSize }, (_, offset) => start + offset);
let beforeAugment = 0;
for (const operation of operations) {
  if (operation.name === 'augment') beforeAugment = history.events.length;
  for (const start of chunkStarts) {
    history.applyStep(
      'prep',
      `${operation.name}-${String(start).padStart(4, '0')}`,
      range(start).flatMap(operation.from),
      range(start).flatMap(operation.to),
    );
  }
}
history.inNamespace('other').startRun('train');
history.applyStep(
  'train',
  'fit',
  [item('i7/aug'), item('i8/aug')],
  [{ kind: 'MODEL', id: 'm', version: '1' }],
);
const prepSteps = operations.flatMap((operation) =>
  chunkStarts.map((start) => `${operation.name}-${String(start).padStart(4, '0')}`),
);

beforeAll(async () => {
  ({ knex, drop } = await createTestDatabase('lineage_walk'));
  await createBuildSchema(knex, schema);
  await knex.transaction((trx) => applyBatch(trx, schema, history.events));
});
afterAll(async () => drop());

/** Every stored edge between a returned step and a returned artifact: what an edge-complete graph holds. */
async function storedEdgesAmong(graph: LineageGraph): Promise<string[]> {
  const { rows } = await knex.raw(
    `SELECT step_id, artifact_key, direction FROM ${quotedSchema(schema)}.lineage_edges
      WHERE step_id = ANY(?::text[]) AND artifact_key = ANY(?::text[])`,
    [graph.steps.map((step) => step.stepId), graph.artifacts.map((artifact) => artifact.artifactKey)],
  );
  return (rows as { step_id: string; artifact_key: string; direction: string }[])
    .map((row) => `${row.step_id} ${row.direction} ${row.artifact_key}`)
    .sort();
}

const edgesOf = (graph: LineageGraph) =>
  graph.edges.map((edge) => `${edge.stepId} ${edge.direction} ${edge.artifactKey}`).sort();

/** Node ids in the walk's order (by rank). */
const orderOf = (graph: LineageGraph) =>
  [
    ...graph.artifacts.map((a) => ({ rank: a.rank, id: a.artifactKey })),
    ...graph.steps.map((s) => ({ rank: s.rank, id: s.stepId })),
  ]
    .sort((a, b) => a.rank - b.rank)
    .map((node) => node.id);

describe('lineage of a run with thousands of per-item provenance records', () => {
  it('answers depth 5 both ways capped at the node limit, its own steps first, with every edge among the nodes', async () => {
    const graph = await lineage(knex, schema, {
      from: { runId: 'prep' },
      direction: 'both',
      maxDepth: 5,
      maxNodes: 500,
    });
    expect(graph.truncated).toBe(true);
    expect(graph.artifacts.length + graph.steps.length).toBe(500);
    expect(orderOf(graph).slice(0, prepSteps.length).sort()).toEqual([...prepSteps].sort());
    expect(graph.steps.every((step) => step.depth === 1)).toBe(true);
    expect(graph.artifacts.every((artifact) => artifact.depth === 0)).toBe(true);
    const edges = edgesOf(graph);
    expect(edges.length).toBeGreaterThan(graph.artifacts.length);
    expect(edges).toEqual(await storedEdgesAmong(graph));
    // Every returned artifact is tied to a returned step: the cut does not leave nodes dangling.
    const linked = new Set(graph.edges.map((edge) => edge.artifactKey));
    expect(graph.artifacts.filter((artifact) => !linked.has(artifact.artifactKey))).toEqual([]);
  });

  it('cuts a walk at N nodes to the first N nodes of the uncut walk, with every edge among them', async () => {
    // A chunk step ties all its items together: i0's lineage holds its chunk's 500 items at each stage.
    const from = item('i0');
    const query = { from, direction: 'downstream' as const, maxDepth: 5 };
    const whole = await lineage(knex, schema, { ...query, maxNodes: 5000 });
    expect(whole.truncated).toBe(false);
    const order = orderOf(whole);
    expect(order.slice(0, 3)).toEqual([artifactKeyOf(from), 'resize-0000', artifactKeyOf(item('i0/512'))]);
    expect(order).toHaveLength(1 + 1 + 500 + 1 + 500 + 1 + 1000 + 1 + 1);
    for (const cap of [1, 2, 3, 502, 503, 1004, 2000]) {
      const cut = await lineage(knex, schema, { ...query, maxNodes: cap });
      expect(cut.truncated).toBe(true);
      expect(orderOf(cut)).toEqual(order.slice(0, cap));
      expect(edgesOf(cut)).toEqual(await storedEdgesAmong(cut));
    }
    const run = { from: { runId: 'prep' }, direction: 'both' as const, maxDepth: 5 };
    const larger = await lineage(knex, schema, { ...run, maxNodes: 1200 });
    const smaller = await lineage(knex, schema, { ...run, maxNodes: 700 });
    expect(orderOf(smaller)).toEqual(orderOf(larger).slice(0, 700));
  });

  it('walks upstream from one derived item through its chunk steps with exact depths and edges', async () => {
    const graph = await lineage(knex, schema, {
      from: item('i1234/flip'),
      direction: 'upstream',
      maxDepth: 5,
      maxNodes: 5000,
    });
    expect(graph.truncated).toBe(false);
    expect(graph.steps.map((step) => [step.stepId, step.depth])).toEqual([
      ['augment-1000', 1],
      ['dedupe-1000', 2],
      ['resize-1000', 3],
    ]);
    const atDepth = (depth: number) => graph.artifacts.filter((artifact) => artifact.depth === depth);
    expect(atDepth(0).map((artifact) => artifact.artifactId)).toEqual(['i1234/flip']);
    expect(atDepth(1)).toHaveLength(500);
    expect(atDepth(1).every((artifact) => artifact.artifactId.endsWith('/dedup'))).toBe(true);
    expect(atDepth(2)).toHaveLength(500);
    expect(atDepth(3).map((artifact) => artifact.artifactId)).toContain('i1234');
    expect(atDepth(3)).toHaveLength(500);
    // The augment step's other 999 outputs are not upstream of the item: none of their edges.
    expect(edgesOf(graph)).toEqual(await storedEdgesAmong(graph));
    expect(graph.edges).toHaveLength(1 + 5 * 500);
  });

  it('walks only through steps of the reader namespaces', async () => {
    const everyone = await lineage(knex, schema, {
      from: item('i7'),
      direction: 'downstream',
      maxDepth: 5,
      maxNodes: 5000,
    });
    expect(everyone.artifacts.map((artifact) => artifact.artifactId)).toContain('m');
    const tester = await lineage(knex, schema, {
      from: item('i7'),
      direction: 'downstream',
      maxDepth: 5,
      maxNodes: 5000,
      namespaces: ['test'],
    });
    expect(tester.steps.map((step) => step.stepId)).not.toContain('fit');
    expect(tester.artifacts.map((artifact) => artifact.artifactId)).not.toContain('m');
    const outsider = await lineage(knex, schema, {
      from: { runId: 'prep' },
      direction: 'both',
      maxDepth: 5,
      maxNodes: 500,
      namespaces: ['other'],
    });
    expect(outsider).toEqual({ truncated: false, artifacts: [], steps: [], edges: [] });
  });

  it('answers as of a point before the augmentation', async () => {
    const { topic, partition } = history.events[0].position;
    const graph = await lineage(
      knex,
      schema,
      { from: item('i42'), direction: 'downstream', maxDepth: 5, maxNodes: 5000 },
      { kind: 'offsets', offsets: [{ topic, partition, offset: beforeAugment }] },
    );
    expect(graph.steps.map((step) => step.stepId)).toEqual(['resize-0000', 'dedupe-0000']);
    expect(graph.truncated).toBe(false);
  });

  it('rejects a depth or node cap that is not a usable integer', async () => {
    await expect(
      lineage(knex, schema, { from: item('i0'), direction: 'both', maxDepth: -1, maxNodes: 10 }),
    ).rejects.toThrow(/maxDepth/);
    await expect(
      lineage(knex, schema, { from: item('i0'), direction: 'both', maxDepth: 2, maxNodes: 0 }),
    ).rejects.toThrow(/maxNodes/);
  });
});

/**
 * The same run with its pairing recorded (as the SDK records it since TransformationApplied carries
 * `itemRefs.pairing`): every chunk step says which of its inputs made which of its outputs, and the
 * resize steps also read a dataset, which belongs to the whole step.
 */
describe('lineage of a run whose steps paired their samples', () => {
  const pairedSchema = 'paired_build';
  const source: ArtifactRef = { kind: 'DATASET', id: 'raw', version: '1' };
  const paired = new HistoryBuilder().startRun('prep');
  for (const operation of operations) {
    for (const start of chunkStarts) {
      const ids = (refs: (i: number) => ArtifactRef[]) =>
        range(start)
          .flatMap(refs)
          .map((ref) => ref.id);
      const fanOut = operation.to(0).length;
      paired.applyStep(
        'prep',
        `${operation.name}-${String(start).padStart(4, '0')}`,
        operation.name === 'resize' ? [source] : [],
        [],
        packItemRefs(ids(operation.from), ids(operation.to), [1, fanOut, chunkSize]),
      );
    }
  }
  const ids = (graph: LineageGraph) => graph.artifacts.map((artifact) => artifact.artifactId);
  const walk = (
    from: LineageQuery['from'],
    direction: LineageQuery['direction'],
    maxDepth = 5,
    maxNodes = 5000,
  ) => lineage(knex, pairedSchema, { from, direction, maxDepth, maxNodes });

  beforeAll(async () => {
    await createBuildSchema(knex, pairedSchema);
    await knex.transaction((trx) => applyBatch(trx, pairedSchema, paired.events));
  });

  it('walks upstream from one derived item to the items it was made from, not to its chunks', async () => {
    const graph = await walk(item('i1234/flip'), 'upstream');
    expect(graph.truncated).toBe(false);
    expect(graph.artifacts.map((artifact) => [artifact.artifactId, artifact.depth])).toEqual([
      ['i1234/flip', 0],
      ['i1234/dedup', 1],
      ['i1234/512', 2],
      ['raw', 3],
      ['i1234', 3],
    ]);
    // Sample 234 of each chunk starting at 1000, in the step's group 234.
    expect(graph.steps.map((step) => [step.stepId, step.depth, step.sampleGroups])).toEqual([
      ['augment-1000', 1, [234]],
      ['dedupe-1000', 2, [234]],
      ['resize-1000', 3, [234]],
    ]);
    expect(edgesOf(graph)).toEqual(
      [
        'augment-1000 INPUT ["ITEM","i1234/dedup",null]',
        'augment-1000 OUTPUT ["ITEM","i1234/flip",null]',
        'dedupe-1000 INPUT ["ITEM","i1234/512",null]',
        'dedupe-1000 OUTPUT ["ITEM","i1234/dedup",null]',
        'resize-1000 INPUT ["DATASET","raw","1"]',
        'resize-1000 INPUT ["ITEM","i1234",null]',
        'resize-1000 OUTPUT ["ITEM","i1234/512",null]',
      ].sort(),
    );
  });

  it('walks downstream from one item to what was made from it, fan-out included', async () => {
    const graph = await walk(item('i0'), 'downstream');
    expect(ids(graph)).toEqual(['i0', 'i0/512', 'i0/dedup', 'i0/aug', 'i0/flip']);
    expect(graph.steps.map((step) => step.stepId)).toEqual(['resize-0000', 'dedupe-0000', 'augment-0000']);
    expect(graph.edges).toHaveLength(7);
  });

  it('walks a step met through an edge of the whole step whole', async () => {
    const graph = await walk(source, 'downstream', 1);
    expect(graph.steps).toHaveLength(chunkStarts.length);
    expect(graph.steps.every((step) => step.sampleGroups === null)).toBe(true);
    expect(graph.artifacts).toHaveLength(1 + itemCount);
  });

  it("walks a run's own steps whole, and cuts paired walks to the first nodes of the uncut walk", async () => {
    const run = await walk({ runId: 'prep' }, 'both', 5, 500);
    expect(run.artifacts.length + run.steps.length).toBe(500);
    expect(run.steps.every((step) => step.sampleGroups === null)).toBe(true);

    // Upstream from many outputs of one chunk: each sample group reached counts toward the cap.
    const from = range(0)
      .slice(0, 40)
      .map((i) => item(`i${i}/aug`));
    const whole = await walk(from, 'upstream');
    expect(whole.truncated).toBe(false);
    expect(whole.artifacts).toHaveLength(40 * 4 + 1);
    expect(whole.steps.map((step) => step.sampleGroups)).toEqual([
      range(0).slice(0, 40),
      range(0).slice(0, 40),
      range(0).slice(0, 40),
    ]);
    const order = orderOf(whole);
    for (const cap of [1, 40, 41, 90, 200]) {
      const cut = await walk(from, 'upstream', 5, cap);
      expect(cut.truncated).toBe(true);
      expect(order.slice(0, orderOf(cut).length)).toEqual(orderOf(cut));
    }
  });
});
