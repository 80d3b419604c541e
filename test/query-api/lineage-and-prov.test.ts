import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packItemRefs } from '@strata/contracts';
import { fileRef } from './support/history';
import { petsScenario } from './support/pets-scenario';
import { parseWithPythonProv } from './support/python-prov';
import { startHarness, type QueryApiHarness } from './support/query-api-harness';
import { ViewsSeeder } from './support/views-seeder';

const scenario = petsScenario();
const { labels, runs, steps, phase1 } = scenario;
let harness: QueryApiHarness;

/**
 * A pipeline run with per-item provenance, unconnected to the pets: three operations over 2400
 * files, one step per chunk of 400 (one provenance event each), as the SDK records them.
 */
const provenanceChunks = 6;
const chunkFiles = 400;
const provenanceRun = scenario.history.startRun('embed-frames', 'git:feedbee');
const provenanceSteps = ['decode', 'embed', 'index'].flatMap((operation, stage) =>
  Array.from({ length: provenanceChunks }, (_, chunk) => {
    const files = Array.from({ length: chunkFiles }, (_, index) => `frame-${chunk * chunkFiles + index}`);
    return scenario.history.step(
      provenanceRun,
      operation,
      files.map((file) => fileRef(`${file}.s${stage}`)),
      files.map((file) => fileRef(`${file}.s${stage + 1}`)),
    );
  }),
);

/**
 * A run that paired its samples (per-sample provenance as the SDK records it): one resize step over
 * 300 registered clips, reading a dataset too, each clip making its resized clip.
 */
const clips = Array.from({ length: 300 }, (_, index) => `clip-${index}`);
for (const clip of [...clips, ...clips.map((clip) => `${clip}-resized`)]) scenario.history.registerItem(clip);
const clipDataset = { kind: 'DATASET' as const, id: 'clips', version: '1' };
const pairedRun = scenario.history.startRun('resize-clips', 'git:c1125');
const pairedStep = scenario.history.step(
  pairedRun,
  'resize',
  [clipDataset],
  [],
  {},
  packItemRefs(
    clips,
    clips.map((clip) => `${clip}-resized`),
    [1, 1, clips.length],
  ),
);

beforeAll(async () => {
  harness = await startHarness('lineage', {
    prepare: async (database) => {
      const seeder = await ViewsSeeder.createLive(database.knex);
      await seeder.apply(scenario.history.events);
    },
  });
});

afterAll(async () => {
  await harness?.close();
});

interface Graph {
  root: string;
  nodes: { id: string; kind: string; depth: number }[];
  edges: { from: string; to: string }[];
  truncated: boolean;
  nextCursor: string | null;
}

const q = encodeURIComponent;
const imgA = 'artifact:item:img-a@sha256:img-a';
const model = 'artifact:model:resnet@1';

describe('GET /v1/lineage', () => {
  it('walks upstream from an item through the five ingest steps', async () => {
    const { status, body } = await harness.json<Graph>(
      `/v1/lineage?node=item:img-a&direction=upstream&depth=5`,
    );
    expect(status).toBe(200);
    expect(body.root).toBe('item:img-a');
    const stepNodes = body.nodes.filter((node) => node.kind === 'step');
    expect(stepNodes.map((node) => node.id).sort()).toEqual(steps.ingest.map((id) => `step:${id}`).sort());
    expect(body.nodes.find((node) => node.id === 'artifact:file:raw.zip')).toMatchObject({ depth: 5 });
    expect(body.edges).toContainEqual({ from: 'artifact:file:raw.zip', to: `step:${steps.ingest[0]}` });
    expect(body.edges).toContainEqual({ from: `step:${steps.ingest[4]}`, to: imgA });
    expect(body.truncated).toBe(false);
  });

  it('honours the depth cap', async () => {
    const { body } = await harness.json<Graph>(`/v1/lineage?node=item:img-a&direction=upstream&depth=2`);
    expect(Math.max(...body.nodes.map((node) => node.depth))).toBe(2);
    expect(body.nodes.some((node) => node.id === 'artifact:file:raw.zip')).toBe(false);
  });

  it('walks downstream to the model, and both ways by default', async () => {
    const downstream = await harness.json<Graph>(`/v1/lineage?node=item:img-a&direction=downstream`);
    expect(downstream.body.nodes.map((node) => node.id)).toEqual(
      expect.arrayContaining([imgA, `step:${steps.train}`, model]),
    );
    const both = await harness.json<Graph>(`/v1/lineage?node=item:img-a&depth=5`);
    expect(both.body.nodes.map((node) => node.id)).toEqual(
      expect.arrayContaining(['artifact:file:raw.zip', model]),
    );
  });

  it('pages nodes with a cursor and says truncated', async () => {
    const first = await harness.json<Graph>(`/v1/lineage?node=item:img-a&depth=5&limit=4`);
    expect(first.body.nodes).toHaveLength(4);
    expect(first.body.truncated).toBe(true);
    const all = [...first.body.nodes];
    let cursor = first.body.nextCursor;
    while (cursor) {
      const page = await harness.json<Graph>(
        `/v1/lineage?node=item:img-a&depth=5&limit=4&cursor=${q(cursor)}`,
      );
      all.push(...page.body.nodes);
      cursor = page.body.nextCursor;
    }
    const whole = await harness.json<Graph>(`/v1/lineage?node=item:img-a&depth=5`);
    expect(all.map((node) => node.id)).toEqual(whole.body.nodes.map((node) => node.id));
  });

  it('starts from a model artifact, a run, or a label', async () => {
    const fromModel = await harness.json<Graph>(`/v1/lineage?node=${q(model)}&direction=upstream&depth=1`);
    expect(fromModel.body.nodes.map((node) => node.id).sort()).toEqual(
      [model, `step:${steps.train}`, imgA, 'artifact:item:img-b@sha256:img-b'].sort(),
    );
    const fromRun = await harness.json<Graph>(
      `/v1/lineage?node=run:${runs.training}&direction=upstream&depth=1`,
    );
    expect(fromRun.body.nodes.map((node) => node.id)).toContain(`step:${steps.train}`);
    const fromLabel = await harness.json<Graph>(`/v1/lineage?node=label:${labels.a2}&direction=downstream`);
    expect(fromLabel.body.nodes.map((node) => node.id)).toContain(model);
  });

  it('answers a depth-5 lineage of a run with thousands of per-item records: capped, its steps first, edge-complete', async () => {
    const { status, body } = await harness.json<Graph>(
      `/v1/lineage?node=run:${provenanceRun}&depth=5&limit=500`,
    );
    expect(status).toBe(200);
    expect(body.nodes).toHaveLength(500);
    expect(body.truncated).toBe(true);
    expect(body.nextCursor).not.toBeNull();
    expect(
      body.nodes
        .slice(0, provenanceSteps.length)
        .map((node) => node.id)
        .sort(),
    ).toEqual(provenanceSteps.map((id) => `step:${id}`).sort());
    // Every artifact on the page hangs off one of the run's steps on the page, with its edge (a step
    // may have none: the cap can cut all of its files).
    const onPage = new Set(body.nodes.map((node) => node.id));
    expect(body.edges.every((edge) => onPage.has(edge.from) && onPage.has(edge.to))).toBe(true);
    const linked = new Set(body.edges.flatMap((edge) => [edge.from, edge.to]));
    expect(body.nodes.filter((node) => node.kind === 'artifact' && !linked.has(node.id))).toEqual([]);
    expect(body.edges.length).toBeGreaterThanOrEqual(500 - provenanceSteps.length);
    const next = await harness.json<Graph>(
      `/v1/lineage?node=run:${provenanceRun}&depth=5&limit=500&cursor=${q(body.nextCursor!)}`,
    );
    expect(next.body.nodes).toHaveLength(500);
    expect(next.body.nodes.some((node) => onPage.has(node.id))).toBe(false);
    expect(next.body.edges.length).toBeGreaterThan(0);
  });

  it('answers as of phase 1, before any run', async () => {
    const asOf = phase1.offsets.map((o) => `${o.topic}:${o.partition}=${o.offset}`).join(',');
    const { status, body } = await harness.json<Graph>(`/v1/lineage?node=item:img-a&asOf=${q(asOf)}`);
    expect(status).toBe(200);
    expect(body.nodes).toEqual([]);
  });

  it('404s unknown nodes', async () => {
    for (const node of [
      'item:nope',
      `run:${randomUUID()}`,
      'artifact:model:nope@1',
      `label:${randomUUID()}`,
    ]) {
      const { status, body } = await harness.json(`/v1/lineage?node=${q(node)}`);
      expect(status).toBe(404);
      expect(body).toMatchObject({ status: 404 });
    }
  });
});

describe('GET /v1/items/{itemId}/provenance', () => {
  it('lists the steps that produced the item, nearest first, with runs and code versions', async () => {
    const { status, body } = await harness.json<{
      steps: {
        depth: number;
        step: { stepId: string; operation: { name: string }; parameters: unknown };
        run: { codeVersion: string };
      }[];
    }>('/v1/items/img-a/provenance?depth=5');
    expect(status).toBe(200);
    expect(body.steps.map((entry) => [entry.depth, entry.step.operation.name])).toEqual([
      [1, 'export'],
      [2, 'filter'],
      [3, 'resize'],
      [4, 'crop'],
      [5, 'decode'],
    ]);
    expect(body.steps[0].run.codeVersion).toBe('git:abc123');
    expect(body.steps[0].step.parameters).toEqual({ stage: 4 });
  });

  it('404s an unknown item', async () => {
    expect((await harness.json('/v1/items/nope/provenance')).status).toBe(404);
  });

  it('lists of a step that paired its samples only the item and the inputs it was made from', async () => {
    const { status, body } = await harness.json<{
      steps: { depth: number; step: { stepId: string; inputs: unknown[]; outputs: unknown[] } }[];
    }>('/v1/items/clip-7-resized/provenance');
    expect(status).toBe(200);
    expect(body.steps).toHaveLength(1);
    expect(body.steps[0].step).toMatchObject({
      stepId: pairedStep,
      inputs: [
        { kind: 'DATASET', id: 'clips', version: '1' },
        { kind: 'ITEM', id: 'clip-7', version: null, sampleGroups: [7] },
      ],
      outputs: [{ kind: 'ITEM', id: 'clip-7-resized', version: null, sampleGroups: [7] }],
    });
  });
});

describe('GET /v1/prov', () => {
  it.each([
    ['item:img-a', ['Derivation', 'Usage', 'Generation', 'Association', 'Attribution', 'Communication']],
    ['item:img-c', ['Invalidation']],
    [`label:${labels.g3}`, ['Derivation']],
    [`run:${runs.ingest}`, ['Usage', 'Generation', 'Association']],
    [model, ['Usage', 'Generation']],
  ])('is PROV-JSON that python3-prov accepts for %s', async (node, relations) => {
    const { status, body, contentType } = await harness.json<Record<string, Record<string, unknown>>>(
      `/v1/prov?node=${q(node)}`,
    );
    expect(status).toBe(200);
    expect(contentType).toContain('application/json');
    expect(body.prefix).toMatchObject({ prov: 'http://www.w3.org/ns/prov#', strata: expect.any(String) });
    const parsed = parseWithPythonProv(body);
    expect(parsed.types).toEqual(expect.arrayContaining(['Entity', 'Activity', 'Agent', ...relations]));
  });

  it('records corrections as prov:Revision, annotators as agents', async () => {
    const { body } =
      await harness.json<Record<string, Record<string, Record<string, unknown>>>>(`/v1/prov?node=item:img-g`);
    const revisions = Object.values(body.wasDerivedFrom).filter(
      (relation) => (relation['prov:type'] as { $: string } | undefined)?.$ === 'prov:Revision',
    );
    expect(revisions).toHaveLength(2);
    expect(Object.keys(body.agent)).toEqual(
      expect.arrayContaining(['agent:human/ann-1', 'agent:human/ann-2', 'agent:human/ann-3']),
    );
  });

  it('derives each output of a step that paired its samples only from its own inputs', async () => {
    type Derivation = { 'prov:generatedEntity': string; 'prov:usedEntity': string };
    const derivations = async (node: string) => {
      const { body } = await harness.json<{ wasDerivedFrom: Record<string, Derivation> }>(
        `/v1/prov?node=${q(node)}`,
      );
      return Object.values(body.wasDerivedFrom).map(
        (relation) => `${relation['prov:usedEntity']} → ${relation['prov:generatedEntity']}`,
      );
    };
    const madeClip7 = ['artifact:dataset/clips/1 → item:clip-7-resized', 'item:clip-7 → item:clip-7-resized'];
    expect((await derivations('item:clip-7-resized')).sort()).toEqual(madeClip7);
    // The whole run: each clip made its resized clip, and the dataset made every one of them.
    const ofRun = await derivations(`run:${pairedRun}`);
    expect(ofRun).toHaveLength(2 * clips.length);
    expect(ofRun.filter((derivation) => derivation.endsWith('→ item:clip-7-resized')).sort()).toEqual(
      madeClip7,
    );
  });

  it('404s unknown nodes and 400s malformed ones', async () => {
    expect((await harness.json(`/v1/prov?node=run:${randomUUID()}`)).status).toBe(404);
    expect((await harness.json(`/v1/prov?node=${q('item:x\u0000')}`)).status).toBe(400);
  });
});
