import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArtifactRef } from '@strata/contracts';
import { artifactKeyOf, HistoryBuilder } from '@strata/projection';
import { applyBatch, createBuildSchema, lineage, quotedSchema, type LineageGraph } from '@strata/views';
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
