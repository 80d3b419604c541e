import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '@strata/auth';
import { loadConfig } from '@strata/config';
import { stepArtifacts, type TransformationApplied } from '@strata/contracts';
import { publishDemo, type DemoSummary } from '@strata/demo';
import { Topics } from '@strata/kafka';
import type { PositionedEvent } from '@strata/projection';
import { liveBuild } from '@strata/projector';
import { runCli } from '@strata/testing';
import { startQueryApi, type RunningQueryApi } from '../../apps/query-api/src/start';
import { parseWithPythonProv } from '../query-api/support/python-prov';
import { sdkStackForSuite, testLogger } from '../sdk/support/sdk-stack';
import { readTopic } from '../sdk/support/topic-reader';
import {
  compareCodePoints,
  ExpectedViews,
  lineKey,
  manifestOf,
  type ExpectedLeaf,
  type ExpectedLine,
  type StrategyName,
} from './support/expectations';

/*
 * The whole path a newcomer takes: the demo history published through the SDK, projected by the real
 * projector (apps/projector) into PostgreSQL, read through the query API with an API key — every
 * endpoint family and asOf form compared with answers worked out independently from the events read
 * back from the log — then a rebuild of the views from the log swapped in by the CLI, after which
 * the releases still hash the same and `strata verify` agrees with the old build.
 */

const namespace = 'demo';
const scenes = { dataset: 'street-scenes', task: 'class' };
const reviews = { dataset: 'product-reviews', task: 'sentiment' };

const sdk = sdkStackForSuite({
  label: 'end_to_end',
  namespace: namespace,
  projector: true,
});

let demo: DemoSummary;
let api: RunningQueryApi;
let readerKey: string;
let adminKey: string;
/** The items topic read back from the log, and the runs topic's events. */
let expected: ExpectedViews;
let runEvents: PositionedEvent[];
/** The cuts of the log the asOf forms name. */
let offsetCut: { vector: string; expected: ExpectedViews };
let timeCuts: { iso: string; expected: ExpectedViews }[];

const get = (path: string, key = readerKey) =>
  fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${key}` } });

async function json<T = Record<string, unknown>>(path: string): Promise<T> {
  const response = await get(path);
  if (response.status !== 200) throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const positioned = (records: Awaited<ReturnType<typeof readTopic>>, topic: string): PositionedEvent[] =>
  records
    .map((record) => ({
      position: {
        topic,
        partition: record.partition,
        offset: Number(record.offset),
        timestamp: record.timestamp,
      },
      event: record.event,
    }))
    .sort((a, b) => a.position.partition - b.position.partition || a.position.offset - b.position.offset);

beforeAll(async () => {
  const { stack, producer, knex, projected } = sdk();
  demo = await publishDemo(producer, { items: 300, seed: 11, namespace });
  await projected();

  const items = positioned(
    await readTopic(stack.brokers, stack.registryUrl, Topics.items, testLogger),
    Topics.items,
  );
  runEvents = positioned(
    await readTopic(stack.brokers, stack.registryUrl, Topics.runs, testLogger),
    Topics.runs,
  );
  expected = new ExpectedViews(items);

  // Half of every items partition: an offset vector that cuts each item's history somewhere.
  const half = new Map<number, number>();
  for (const { position } of items) half.set(position.partition, Math.ceil((position.offset + 1) / 2));
  offsetCut = {
    vector: [...half].map(([partition, offset]) => `${Topics.items}:${partition}=${offset}`).join(','),
    expected: expected.cut(({ position }) => position.offset < half.get(position.partition)!),
  };
  // Times are inclusive, as the API documents: the median event time (months into the labelling),
  // and the registration of the hundredth item (before any label: later items do not exist yet).
  const timesOf = (events: PositionedEvent[]) =>
    events.map(({ event }) => event.event.envelope.eventTime).sort((a, b) => a - b);
  const times = timesOf(items);
  const registrations = timesOf(items.filter(({ event }) => event.type === 'ItemRegistered'));
  timeCuts = [times[Math.floor(times.length / 2)], registrations[99]].map((time) => ({
    iso: new Date(time).toISOString(),
    expected: expected.cut(({ event }) => event.event.envelope.eventTime <= time),
  }));

  const keys = new ApiKeyStore(knex);
  readerKey = (await keys.create({ name: 'e2e-reader', scopes: ['read'], namespaces: [namespace] })).key;
  adminKey = (await keys.create({ name: 'e2e-admin', scopes: ['admin'], namespaces: [namespace] })).key;
  api = await startQueryApi({
    config: loadConfig({ DATABASE_URL: stack.databaseUrl, STRATA_LOG_LEVEL: 'silent' }),
    logger: testLogger,
    port: 0,
    host: '127.0.0.1',
    brokers: stack.brokers,
    registryUrl: stack.registryUrl,
    // Hundreds of reads with one key in a few seconds; the rate limit has its own tests.
    limits: { rateLimit: { ratePerSecond: 10_000, burst: 10_000 } },
  });
});

afterAll(async () => {
  await api?.close();
});

/** The items whose answers are compared one by one: every highlight and a spread of the others. */
function sampledItems(): string[] {
  const all = [...expected.items.keys()];
  const highlights = Object.values(demo.highlights).filter((id): id is string => id !== undefined);
  return [...new Set([...highlights, ...all.filter((_, index) => index % 15 === 0)])];
}

const byLabelId = (leaves: readonly ExpectedLeaf[]) =>
  [...leaves]
    .map(({ labelId, task, latestVerdict }) => ({ labelId, task, latestVerdict }))
    .sort((a, b) => compareCodePoints(a.labelId, b.labelId));

/** The NDJSON training set, each line reduced as the expectation is. */
async function trainingSet(query: string): Promise<ExpectedLine[]> {
  const response = await get(`/v1/training-set?${query}`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('ndjson');
  const lines = (await response.text())
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line));
  const reduced: ExpectedLine[] = lines.map((line) => {
    const base = { itemId: line.itemId, uri: line.uri, contentHash: line.contentHash, task: line.task };
    return 'label' in line
      ? { ...base, labelId: line.label.labelId }
      : {
          ...base,
          unresolved: line.unresolved,
          leaves: line.leaves.map((leaf: { labelId: string }) => leaf.labelId),
        };
  });
  // Streamed in item order.
  const itemIds = reduced.map((line) => line.itemId);
  expect(itemIds).toEqual([...itemIds].sort(compareCodePoints));
  return reduced.sort((a, b) => compareCodePoints(lineKey(a), lineKey(b)));
}

async function freeze(body: Record<string, unknown>) {
  const response = await fetch(`${api.url}/v1/snapshots`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify(body),
  });
  const release = await response.json();
  expect(response.status, JSON.stringify(release)).toBe(201);
  return release as { snapshotId: string; manifestSha256: string; itemCount: number; labelCount: number };
}

async function manifest(snapshotId: string): Promise<string> {
  const response = await get(`/v1/snapshots/${snapshotId}/manifest`);
  expect(response.status).toBe(200);
  return response.text();
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the demo, projected by the projector, through the query API', () => {
  it('is projected whole: every registered item, no dead letter', async () => {
    const { knex, projected } = sdk();
    const schema = await projected();
    expect(await knex.withSchema(schema).table('dead_letters').select('reason')).toEqual([]);
    expect(await knex.withSchema(schema).table('items').count({ n: '*' })).toEqual([{ n: '300' }]);
    expect(expected.items.size).toBe(300);
  });

  it('answers items, leaves and label histories as the reference fold does, at latest', async () => {
    const leaves = expected.leaves();
    for (const itemId of sampledItems()) {
      const path = `/v1/items/${encodeURIComponent(itemId)}`;
      const want = byLabelId(leaves.get(itemId) ?? []);
      const registered = expected.items.get(itemId)!;

      const item = await json<{
        item: { uri: string; contentHash: string; datasets: string[] };
        leaves: ExpectedLeaf[];
      }>(path);
      expect(item.item).toMatchObject({ uri: registered.uri, contentHash: registered.contentHash });
      expect([...item.item.datasets].sort()).toEqual([...registered.datasets].sort());
      expect(byLabelId(item.leaves)).toEqual(want);
      expect(byLabelId((await json<{ leaves: ExpectedLeaf[] }>(`${path}/leaves`)).leaves)).toEqual(want);

      const events = expected.eventsOf(itemId);
      const made = events.filter((e) => e.type === 'LabelCreated' || e.type === 'LabelCorrected');
      const history = await json<{
        nodes: { labelId: string }[];
        edges: { child: string; parent: string }[];
        leaves: string[];
        reviews: { labelId: string; verdict: string }[];
        retractions: { labelId: string }[];
      }>(`${path}/labels`);
      expect(history.nodes.map((node) => node.labelId).sort()).toEqual(
        made.map((e) => (e.event as { labelId: string }).labelId).sort(),
      );
      expect(history.edges.map(({ child, parent }) => `${child}<${parent}`).sort()).toEqual(
        events
          .flatMap((e) =>
            e.type === 'LabelCorrected' ? e.event.parents.map((p) => `${e.event.labelId}<${p}`) : [],
          )
          .sort(),
      );
      expect([...history.leaves].sort()).toEqual(want.map((leaf) => leaf.labelId));
      expect(history.reviews.map((r) => `${r.labelId}:${r.verdict}`).sort()).toEqual(
        events
          .flatMap((e) => (e.type === 'LabelReviewed' ? [`${e.event.labelId}:${e.event.verdict}`] : []))
          .sort(),
      );
      expect(history.retractions.map((r) => r.labelId).sort()).toEqual(
        events.flatMap((e) => (e.type === 'LabelRetracted' ? [e.event.labelId] : [])).sort(),
      );
    }
  });

  it('answers a label with its ancestors and descendants: the consolidation of two annotations', async () => {
    const itemId = demo.highlights.consolidated!;
    const consolidation = expected.consolidationOf(itemId);
    const label = await json<{
      label: { labelId: string };
      isLeaf: boolean;
      ancestors: unknown[];
      descendants: unknown[];
    }>(`/v1/labels/${consolidation.labelId}`);
    const ids = (list: unknown[]) =>
      list
        .map((entry) => (typeof entry === 'string' ? entry : (entry as { labelId: string }).labelId))
        .sort();
    const ancestorsOf = (labelId: string): string[] =>
      (expected.labels.get(labelId)?.parents ?? []).flatMap((parent) => [parent, ...ancestorsOf(parent)]);
    expect(label.label.labelId).toBe(consolidation.labelId);
    expect(ids(label.ancestors)).toEqual([...new Set(ancestorsOf(consolidation.labelId))].sort());
    expect(ids(label.descendants)).toEqual(
      [...expected.labels.values()]
        .filter((other) => ancestorsOf(other.labelId).includes(consolidation.labelId))
        .map((other) => other.labelId)
        .sort(),
    );
    expect(label.isLeaf).toBe(
      (expected.leaves().get(itemId) ?? []).some((leaf) => leaf.labelId === consolidation.labelId),
    );
  });

  it.each<[StrategyName, { dataset: string; task: string }]>([
    ['latest', scenes],
    ['all-leaves', scenes],
    ['majority', scenes],
    ['unresolved', scenes],
    ['latest', reviews],
    ['majority', reviews],
  ])(
    'exports the training set under %s for %o as the reference leaves imply',
    async (strategy, selection) => {
      const want = expected.trainingSet(selection.dataset, selection.task, strategy);
      expect(want.length).toBeGreaterThan(0);
      const field = strategy === 'majority' ? `&field=${selection.task}` : '';
      expect(
        await trainingSet(`dataset=${selection.dataset}&task=${selection.task}&strategy=${strategy}${field}`),
      ).toEqual(want);
    },
  );

  it('answers asOf an offset vector and asOf a time as the log cut there', async () => {
    let unregistered = 0;
    let changed = 0;
    const latestLeaves = expected.leaves();
    for (const cut of [
      { asOf: offsetCut.vector, expected: offsetCut.expected },
      ...timeCuts.map((timeCut) => ({ asOf: timeCut.iso, expected: timeCut.expected })),
    ]) {
      const asOf = `asOf=${encodeURIComponent(cut.asOf)}`;
      expect(cut.expected.events.length).toBeLessThan(expected.events.length);
      expect(cut.expected.events.length).toBeGreaterThan(0);
      const leaves = cut.expected.leaves();
      for (const itemId of sampledItems()) {
        const response = await get(`/v1/items/${encodeURIComponent(itemId)}/leaves?${asOf}`);
        if (!cut.expected.items.has(itemId)) {
          expect(response.status, `${itemId} as of ${cut.asOf}`).toBe(404);
          unregistered += 1;
          continue;
        }
        expect(response.status).toBe(200);
        const body = (await response.json()) as { leaves: ExpectedLeaf[] };
        const want = byLabelId(leaves.get(itemId) ?? []);
        expect(byLabelId(body.leaves), `${itemId} as of ${cut.asOf}`).toEqual(want);
        if (JSON.stringify(want) !== JSON.stringify(byLabelId(latestLeaves.get(itemId) ?? []))) changed += 1;
      }
      for (const strategy of ['all-leaves', 'unresolved'] as const) {
        expect(
          await trainingSet(`dataset=${scenes.dataset}&task=${scenes.task}&strategy=${strategy}&${asOf}`),
        ).toEqual(cut.expected.trainingSet(scenes.dataset, scenes.task, strategy));
      }
    }
    // The cuts were felt: items that did not exist yet, and items whose leaves were not yet what they are.
    expect(unregistered).toBeGreaterThan(0);
    expect(changed).toBeGreaterThan(0);
  });

  it('gives the upstream lineage of a pipeline output and the provenance of an item, as the run recorded them', async () => {
    const chunks = runEvents
      .map(({ event }) => event)
      .filter((event) => event.type === 'TransformationApplied')
      .map((event) => event.event as TransformationApplied)
      .filter(
        (step) => step.runId === demo.completedRun.runId && 'provenanceOf' in JSON.parse(step.parameters),
      )
      // The SDK packs a chunk's item ids; readers see them as ITEM refs.
      .map((step) => ({ ...step, ...stepArtifacts(step) }));
    const augment = chunks.find((step) => step.operation.name === 'augment-hflip')!;
    const flipped = augment.outputs.find((ref) => ref.id.endsWith(':hflip'))!.id;
    const source = flipped.slice(0, -':hflip'.length);

    const graph = await json<{
      nodes: { id: string; kind: string }[];
      edges: { from: string; to: string }[];
      truncated: boolean;
    }>(
      `/v1/lineage?node=${encodeURIComponent(`artifact:item:${flipped}`)}&direction=upstream&depth=1&limit=5000`,
    );
    expect(graph.truncated).toBe(false);
    // The chunk read many items; the flipped one was made from its source alone (the run's pairing).
    expect(augment.inputs.length).toBeGreaterThan(1);
    expect(graph.nodes.map((node) => node.id).sort()).toEqual(
      [`artifact:item:${flipped}`, `step:${augment.stepId}`, `artifact:item:${source}`].sort(),
    );
    // The augmentation kept the source sample too: source → step → source and its flipped copy.
    const edge = (from: string, to: string) => `${from} → ${to}`;
    expect(graph.edges.map(({ from, to }) => edge(from, to)).sort()).toEqual(
      [
        edge(`artifact:item:${source}`, `step:${augment.stepId}`),
        edge(`step:${augment.stepId}`, `artifact:item:${source}`),
        edge(`step:${augment.stepId}`, `artifact:item:${flipped}`),
      ].sort(),
    );

    // The sample `strata demo` suggests walking from: its source item and the three chunks it went through.
    const suggested = demo.completedRun.augmentedSample!;
    const upstream = await json<{ nodes: { id: string; kind: string }[]; truncated: boolean }>(
      `/v1/lineage?node=${encodeURIComponent(`artifact:item:${suggested}`)}&direction=upstream&depth=5`,
    );
    expect(upstream.truncated).toBe(false);
    expect(upstream.nodes.filter((node) => node.kind === 'artifact').map((node) => node.id)).toEqual([
      `artifact:item:${suggested}`,
      `artifact:item:${suggested.slice(0, -':hflip'.length)}`,
    ]);
    expect(upstream.nodes.filter((node) => node.kind === 'step')).toHaveLength(3);

    // The source item was an output of the resize, dedupe and augment chunks that carried it.
    const provenance = await json<{
      steps: {
        depth: number;
        step: { stepId: string; operation: { name: string } };
        run: { runId: string; status: string };
      }[];
    }>(`/v1/items/${encodeURIComponent(source)}/provenance?depth=1`);
    const producing = chunks.filter((step) => step.outputs.some((ref) => ref.id === source));
    expect(producing.map((step) => step.operation.name).sort()).toEqual([
      'augment-hflip',
      'dedupe',
      'resize',
    ]);
    expect(provenance.steps.map((entry) => entry.step.stepId).sort()).toEqual(
      producing.map((step) => step.stepId).sort(),
    );
    expect(
      provenance.steps.every(
        (entry) => entry.run.runId === demo.completedRun.runId && entry.run.status === 'COMPLETED',
      ),
    ).toBe(true);
  });

  it('gives PROV-JSON accepted by python3-prov, with the consolidation as revisions of both annotations', async () => {
    const itemId = demo.highlights.consolidated!;
    const consolidation = expected.consolidationOf(itemId);
    const document = await json<{ wasDerivedFrom: Record<string, Record<string, unknown>> }>(
      `/v1/prov?node=${encodeURIComponent(`item:${itemId}`)}`,
    );
    const revisions = Object.values(document.wasDerivedFrom)
      .filter((relation) => relation['prov:generatedEntity'] === `label:${consolidation.labelId}`)
      .map((relation) => [relation['prov:usedEntity'], (relation['prov:type'] as { $: string }).$]);
    expect(revisions.sort()).toEqual(
      consolidation.parents.map((parent) => [`label:${parent}`, 'prov:Revision']).sort(),
    );
    expect(parseWithPythonProv(document).types).toEqual(
      expect.arrayContaining(['Entity', 'Activity', 'Agent']),
    );

    const run = await json<{ agent: Record<string, unknown> }>(
      `/v1/prov?node=run:${demo.completedRun.runId}`,
    );
    expect(Object.keys(run.agent)).toContain(`agent:pipeline/${namespace}/street-scenes-preprocess`);
    expect(parseWithPythonProv(run).records).toBeGreaterThan(0);
  });

  it('freezes releases whose manifests are the expected bytes, readable asOf snapshot, and unchanged by a rebuild swapped in by the CLI', async () => {
    const { stack, knex } = sdk();
    // A release at the latest point, and one cut at the offset vector (the third asOf form).
    const latestLines = expected.trainingSet(scenes.dataset, scenes.task, 'latest');
    const atLatest = await freeze({ name: 'scenes-latest', ...scenes, strategy: 'latest' });
    expect(atLatest.manifestSha256).toBe(manifestOf(latestLines).sha256);
    expect(await manifest(atLatest.snapshotId)).toBe(manifestOf(latestLines).text);
    expect(atLatest.itemCount).toBe(new Set(latestLines.map((line) => line.itemId)).size);

    const cutLines = offsetCut.expected.trainingSet(scenes.dataset, scenes.task, 'all-leaves');
    const atCut = await freeze({
      name: 'scenes-at-v',
      ...scenes,
      strategy: 'all-leaves',
      asOf: offsetCut.vector,
    });
    expect(atCut.manifestSha256).toBe(manifestOf(cutLines).sha256);
    expect(
      await trainingSet(
        `dataset=${scenes.dataset}&task=${scenes.task}&strategy=all-leaves&asOf=snapshot:${atCut.snapshotId}`,
      ),
    ).toEqual(cutLines);
    const cutLeaves = offsetCut.expected.leaves();
    for (const itemId of sampledItems()) {
      const atRelease = await json<{ leaves: ExpectedLeaf[] }>(
        `/v1/items/${encodeURIComponent(itemId)}/leaves?asOf=snapshot:${atCut.snapshotId}`,
      );
      expect(byLabelId(atRelease.leaves)).toEqual(byLabelId(cutLeaves.get(itemId) ?? []));
    }
    const datasheet = await get(`/v1/snapshots/${atLatest.snapshotId}/datasheet`);
    expect(datasheet.status).toBe(200);
    expect(await datasheet.text()).toContain('scenes-latest');

    // Rebuild every view from the log into a new build and make it live.
    const env = {
      DATABASE_URL: stack.databaseUrl,
      STRATA_KAFKA_BROKERS: stack.brokers.join(','),
      STRATA_SCHEMA_REGISTRY_URL: stack.registryUrl,
      STRATA_LOG_LEVEL: 'warn',
    };
    const cli = async (args: string[]) => {
      const result = await runCli(args, env);
      expect(result.code, `strata ${args.join(' ')}:\n${result.stderr}`).toBe(0);
      return result.stdout.trimEnd().split('\n').at(-1);
    };
    const before = (await liveBuild(knex))!;
    await cli(['rebuild', '--as-of', 'latest', '--into', 'rebuilt', '--swap']);
    expect((await liveBuild(knex))?.name).toBe('rebuilt');
    const oldChecksum = await cli(['verify', '--build', before.name]);
    expect(oldChecksum).toMatch(/^checksum [0-9a-f]{64}$/);
    expect(await cli(['verify'])).toBe(oldChecksum);
    // Dropped, so whatever the API answers now comes from the rebuilt views.
    await cli(['builds', 'drop', before.name]);

    for (const release of [atLatest, atCut]) {
      const stored = await json<{ manifestSha256: string }>(`/v1/snapshots/${release.snapshotId}`);
      expect(stored.manifestSha256).toBe(release.manifestSha256);
      expect(sha256(await manifest(release.snapshotId))).toBe(release.manifestSha256);
    }
  });
});
