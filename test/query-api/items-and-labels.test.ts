import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topics } from '@strata/kafka';
import { petsScenario } from './support/pets-scenario';
import { startHarness, type QueryApiHarness } from './support/query-api-harness';
import { ViewsSeeder } from './support/views-seeder';

const scenario = petsScenario();
const { labels, phase1 } = scenario;
const phase1Vector = phase1.offsets.map((o) => `${o.topic}:${o.partition}=${o.offset}`).join(',');
// The time of phase 1's last event: "as of T" includes what happened at T.
const phase1Time = phase1.time.toISOString();
const phase1SnapshotId = randomUUID();
let harness: QueryApiHarness;

beforeAll(async () => {
  // A release frozen at the end of phase 1, stored from its SnapshotFrozen event like any other.
  scenario.history.add(Topics.snapshots, 0, {
    type: 'SnapshotFrozen',
    event: {
      envelope: scenario.history.envelope(),
      snapshotId: phase1SnapshotId,
      name: 'phase-1',
      dataset: 'pets',
      task: null,
      strategy: 'latest',
      offsets: phase1.offsets,
      asOfTime: null,
      manifestSha256: '0'.repeat(64),
      itemCount: 0,
      labelCount: 0,
    },
  });
  harness = await startHarness('items', {
    prepare: async (database) => {
      const seeder = await ViewsSeeder.createLive(database.knex);
      await seeder.apply(scenario.history.events);
    },
  });
});

afterAll(async () => {
  await harness?.close();
});

const leafIds = (body: { leaves: { labelId: string }[] }) => body.leaves.map((leaf) => leaf.labelId);

describe('GET /v1/items/{itemId}', () => {
  it('returns the item and its leaves', async () => {
    const { status, body } = await harness.json<{
      item: Record<string, unknown>;
      leaves: { labelId: string }[];
    }>('/v1/items/img-a');
    expect(status).toBe(200);
    expect(body.item).toMatchObject({
      itemId: 'img-a',
      uri: 's3://bucket/img-a.jpg',
      contentHash: 'sha256:img-a',
      datasets: ['pets'],
      source: 'camera-1',
      license: 'CC-BY-4.0',
      position: { partition: 0 },
    });
    expect(leafIds(body)).toEqual([labels.a2]);
    expect(body.leaves[0]).toMatchObject({ payload: { class: 'dog' }, latestVerdict: 'APPROVED' });
  });

  it.each([
    ['an offset vector', phase1Vector],
    ['a time', phase1Time],
    ['a snapshot', `snapshot:${phase1SnapshotId}`],
  ])('answers as of %s (before the correction)', async (_form, asOf) => {
    const { status, body } = await harness.json<{ leaves: { labelId: string }[] }>(
      `/v1/items/img-a?asOf=${encodeURIComponent(asOf)}`,
    );
    expect(status).toBe(200);
    expect(leafIds(body)).toEqual([labels.a1]);
  });

  it('404s an unknown item, and an item not yet registered at the asked offsets', async () => {
    const unknown = await harness.json('/v1/items/no-such-item');
    expect(unknown.status).toBe(404);
    expect(unknown.contentType).toContain('application/problem+json');
    expect(unknown.body).toMatchObject({ status: 404, title: 'Item not found' });
    const before = await harness.json('/v1/items/img-a?asOf=strata.items:0=0,strata.items:1=0');
    expect(before.status).toBe(404);
  });

  it('404s an unknown snapshot in asOf', async () => {
    const { status, body } = await harness.json(`/v1/items/img-a?asOf=snapshot:${randomUUID()}`);
    expect(status).toBe(404);
    expect(body).toMatchObject({ title: 'Snapshot not found' });
  });

  it('treats SQL-looking ids as ids', async () => {
    const { status } = await harness.json(`/v1/items/${encodeURIComponent("img-a' OR '1'='1")}`);
    expect(status).toBe(404);
    const dropped = await harness.json(`/v1/items/${encodeURIComponent('x"; DROP TABLE items; --')}/leaves`);
    expect(dropped.status).toBe(404);
    expect((await harness.json('/v1/items/img-a')).status).toBe(200);
  });
});

describe('GET /v1/items/{itemId}/leaves', () => {
  it.each([
    ['img-b', ['b1', 'b2', 'b3']],
    ['img-c', ['c1']],
    ['img-f', ['f3']],
    ['img-g', ['g3']],
  ] as const)('%s has leaves %j', async (itemId, expected) => {
    const { status, body } = await harness.json<{ leaves: { labelId: string }[] }>(
      `/v1/items/${itemId}/leaves`,
    );
    expect(status).toBe(200);
    expect(leafIds(body)).toEqual(expected.map((name) => labels[name]));
  });

  it("restores a retracted correction's parent, and marks its rejection", async () => {
    const { body } = await harness.json<{ leaves: { labelId: string; latestVerdict: string | null }[] }>(
      '/v1/items/img-c/leaves',
    );
    expect(body.leaves).toEqual([expect.objectContaining({ labelId: labels.c1, latestVerdict: 'REJECTED' })]);
  });

  it('404s an unknown item and one not registered yet; a registered item without labels has none', async () => {
    expect((await harness.json('/v1/items/no-such-item/leaves')).status).toBe(404);
    const before = await harness.json('/v1/items/img-a/leaves?asOf=strata.items:0=0,strata.items:1=0');
    expect(before.status).toBe(404);
    // img-a's registration is the first event of partition 0; its first label comes later.
    const registered = await harness.json('/v1/items/img-a/leaves?asOf=strata.items:0=1,strata.items:1=0');
    expect(registered).toMatchObject({ status: 200, body: { itemId: 'img-a', leaves: [] } });
  });

  it('answers as of phase 1 from the offsets', async () => {
    const { body } = await harness.json<{ leaves: { labelId: string }[] }>(
      `/v1/items/img-f/leaves?asOf=${encodeURIComponent(phase1Vector)}`,
    );
    expect(leafIds(body)).toEqual([labels.f1]);
  });
});

describe('GET /v1/items/{itemId}/labels', () => {
  it('returns the whole DAG with reviews, retractions, authors and tools', async () => {
    const { status, body } = await harness.json<{
      nodes: { labelId: string; parents: string[] }[];
      edges: { child: string; parent: string }[];
      leaves: string[];
      retractions: { labelId: string }[];
      reviews: { labelId: string; verdict: string }[];
      authors: { id: string; labels: number }[];
      tools: { tool: string; labels: number }[];
    }>('/v1/items/img-c/labels');
    expect(status).toBe(200);
    expect(body.nodes.map((node) => node.labelId)).toEqual([labels.c1, labels.c2]);
    expect(body.nodes[1].parents).toEqual([labels.c1]);
    expect(body.edges).toEqual([{ child: labels.c2, parent: labels.c1 }]);
    expect(body.leaves).toEqual([labels.c1]);
    expect(body.retractions.map((r) => r.labelId)).toEqual([labels.c2]);
    expect(body.reviews).toEqual([expect.objectContaining({ labelId: labels.c1, verdict: 'REJECTED' })]);
    expect(body.authors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'ann-1', labels: 1 }),
        expect.objectContaining({ id: 'ann-2', labels: 1 }),
      ]),
    );
    expect(body.tools).toEqual([{ tool: 'label-studio', labels: 2 }]);
  });

  it('shows the consolidation of several parents', async () => {
    const { body } = await harness.json<{ nodes: { labelId: string; parents: string[] }[] }>(
      '/v1/items/img-g/labels',
    );
    expect(body.nodes.find((node) => node.labelId === labels.g3)?.parents.sort()).toEqual(
      [labels.g1, labels.g2].sort(),
    );
  });

  it('404s an unknown item', async () => {
    expect((await harness.json('/v1/items/nope/labels')).status).toBe(404);
  });
});

describe('GET /v1/labels/{labelId}', () => {
  it('returns a label with its ancestors and descendants', async () => {
    const { status, body } = await harness.json<{
      label: { labelId: string };
      isLeaf: boolean;
      ancestors: { labelId: string }[];
      descendants: { labelId: string }[];
      retraction: unknown;
    }>(`/v1/labels/${labels.f2}`);
    expect(status).toBe(200);
    expect(body.label.labelId).toBe(labels.f2);
    expect(body.isLeaf).toBe(false);
    expect(body.ancestors.map((l) => l.labelId)).toEqual([labels.f1]);
    expect(body.descendants.map((l) => l.labelId)).toEqual([labels.f3]);
    expect(body.retraction).toMatchObject({ labelId: labels.f2, reason: 'mistake' });
  });

  it('404s a label that did not exist yet at the asked time, and an unknown label', async () => {
    expect(
      (await harness.json(`/v1/labels/${labels.f3}?asOf=${encodeURIComponent(phase1Time)}`)).status,
    ).toBe(404);
    expect((await harness.json(`/v1/labels/${randomUUID()}`)).status).toBe(404);
  });
});
