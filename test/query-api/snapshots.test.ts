import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropBuildSchema } from '@strata/views';
import { petsScenario } from './support/pets-scenario';
import { historyLogOffsets, projectingPublisher } from './support/projecting-publisher';
import { parseWithPythonProv } from './support/python-prov';
import { startHarness, withKey, type QueryApiHarness } from './support/query-api-harness';
import { ViewsSeeder } from './support/views-seeder';

const scenario = petsScenario();
const { labels, phase1, history } = scenario;
let harness: QueryApiHarness;
let seeder: ViewsSeeder;

beforeAll(async () => {
  harness = await startHarness('snapshots', {
    publisher: projectingPublisher(history, () => seeder),
    logOffsets: historyLogOffsets(() => history.events),
    prepare: async (database) => {
      seeder = await ViewsSeeder.createLive(database.knex, 'build_first');
      await seeder.apply(history.events);
    },
  });
});

afterAll(async () => {
  await harness?.close();
});

interface Release {
  snapshotId: string;
  name: string;
  strategy: string;
  offsets: { topic: string; partition: number; offset: number }[];
  manifestSha256: string;
  itemCount: number;
  labelCount: number;
  asOfTime: string | null;
}

async function freeze(body: Record<string, unknown>): Promise<{ status: number; release: Release }> {
  const response = await harness.post('/v1/snapshots', body);
  return { status: response.status, release: (await response.json()) as Release };
}

async function manifestOf(snapshotId: string): Promise<{ text: string; header: string | null }> {
  const response = await harness.get(`/v1/snapshots/${snapshotId}/manifest`);
  expect(response.status).toBe(200);
  return { text: await response.text(), header: response.headers.get('x-manifest-sha256') };
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const line = (itemId: string, labelId: string) => `${itemId}\t${labelId}\tsha256:${itemId}\n`;

describe('releases', () => {
  let majority: Release;

  it('POST freezes a release at the projector checkpoints, with its manifest hash', async () => {
    const { status, release } = await freeze({
      name: 'pets-v1',
      dataset: 'pets',
      strategy: 'majority',
      field: 'class',
    });
    expect(status).toBe(201);
    majority = release;
    expect(release).toMatchObject({
      name: 'pets-v1',
      strategy: 'majority:class',
      itemCount: 4,
      labelCount: 4,
    });
    expect(release.offsets.map((o) => `${o.topic}:${o.partition}`)).toEqual([
      'strata.items:0',
      'strata.items:1',
      'strata.runs:0',
    ]);
    const expectedManifest = [
      line('img-a', labels.a2),
      line('img-b', labels.b3),
      line('img-f', labels.f3),
      line('img-g', labels.g3),
    ].join('');
    expect(release.manifestSha256).toBe(sha256(expectedManifest));
  });

  it('GET returns it, and its manifest streams the hashed lines', async () => {
    const { status, body } = await harness.json<Release>(`/v1/snapshots/${majority.snapshotId}`);
    expect(status).toBe(200);
    expect(body).toEqual(majority);
    const manifest = await manifestOf(majority.snapshotId);
    expect(sha256(manifest.text)).toBe(majority.manifestSha256);
    expect(manifest.header).toBe(majority.manifestSha256);
  });

  it('keeps its manifest while the log moves on', async () => {
    await seeder.apply([
      history.add('strata.items', 0, {
        type: 'LabelCorrected',
        event: {
          envelope: history.envelope(),
          itemId: 'img-a',
          labelId: randomUUID(),
          parents: [labels.a2],
          reason: null,
          task: 'class',
          payload: JSON.stringify({ class: 'wolf' }),
          author: { kind: 'HUMAN', id: 'ann-9' },
          tool: null,
          confidence: null,
          guidelineVersion: null,
        },
      }),
    ]);
    expect(sha256((await manifestOf(majority.snapshotId)).text)).toBe(majority.manifestSha256);
  });

  it('recomputes the identical manifest from a rebuilt build swapped in', async () => {
    const rebuilt = await ViewsSeeder.createLive(harness.database.knex, 'build_rebuilt');
    // A different batching of the same log: the views must not depend on how it was consumed.
    for (let start = 0; start < history.events.length; start += 7)
      await rebuilt.apply(history.events.slice(start, start + 7));
    await dropBuildSchema(harness.database.knex, 'build_first');
    seeder = rebuilt;
    const { text } = await manifestOf(majority.snapshotId);
    expect(sha256(text)).toBe(majority.manifestSha256);
    expect((await harness.json<Release>(`/v1/snapshots/${majority.snapshotId}`)).body).toEqual(majority);
  });

  it.each([
    ['an offset vector', () => phase1.offsets.map((o) => `${o.topic}:${o.partition}=${o.offset}`).join(',')],
    ['a time', () => new Date(phase1.time.getTime()).toISOString()],
  ])('freezes as of %s', async (_form, asOf) => {
    const { status, release } = await freeze({
      name: 'phase-1',
      dataset: 'pets',
      strategy: 'all-leaves',
      asOf: asOf(),
    });
    expect(status).toBe(201);
    const expected = [
      line('img-a', labels.a1),
      ...[labels.b1, labels.b2].sort().map((id) => line('img-b', id)),
      line('img-c', labels.c1),
      line('img-d', labels.d1),
      line('img-f', labels.f1),
      ...[labels.g1, labels.g2].sort().map((id) => line('img-g', id)),
    ].join('');
    expect(release).toMatchObject({ itemCount: 6, labelCount: 8, manifestSha256: sha256(expected) });
    expect(sha256((await manifestOf(release.snapshotId)).text)).toBe(release.manifestSha256);
  });

  it('refreezes the offsets of an earlier release given snapshot:<id>', async () => {
    const { release } = await freeze({
      name: 'again',
      dataset: 'pets',
      strategy: 'majority',
      field: 'class',
      asOf: `snapshot:${majority.snapshotId}`,
    });
    expect(release.offsets).toEqual(majority.offsets);
    expect(release.manifestSha256).toBe(majority.manifestSha256);
  });

  it('serves the datasheet in Markdown, and in HTML when asked', async () => {
    const markdown = await harness.get(`/v1/snapshots/${majority.snapshotId}/datasheet`);
    expect(markdown.headers.get('content-type')).toContain('text/markdown');
    const text = await markdown.text();
    expect(text).toContain('# Datasheet: pets-v1');
    expect(text).toContain('| items | 4 |');
    expect(text).toContain('| label nodes in the history | 15 |');
    expect(text).toContain('| corrections | 5 (33.3 % of label nodes) |');
    expect(text).toContain('| retractions | 2 |');
    expect(text).toContain('| rejected labels | 1 (50.0 % of reviewed) |');
    expect(text).toContain('| items with several leaves | 2 (50.0 %) |');
    expect(text).toContain('| class | {"class":"cat"} |');
    expect(text).toContain('| HUMAN | ann-1 |');
    expect(text).toContain('| auto-labeller | 1 |');
    expect(text).toContain('git:abc123');
    expect(text).toContain('{"stage":4}');
    expect(text).toContain('| camera-1 | CC-BY-4.0 | 6 |');
    const html = await harness.get(`/v1/snapshots/${majority.snapshotId}/datasheet`, {
      ...withKey(harness.keys.reader),
      accept: 'text/html',
    });
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toContain('<h1>Datasheet: pets-v1</h1>');
  });

  it('describes a release as a PROV collection of its labels', async () => {
    const { body } = await harness.json<Record<string, unknown>>(
      `/v1/prov?node=snapshot:${majority.snapshotId}`,
    );
    expect(parseWithPythonProv(body).types).toEqual(expect.arrayContaining(['Entity', 'Membership']));
  });

  it('answers reads as of a release', async () => {
    const { body } = await harness.json<{ leaves: { labelId: string }[] }>(
      `/v1/items/img-a/leaves?asOf=snapshot:${majority.snapshotId}`,
    );
    expect(body.leaves.map((leaf) => leaf.labelId)).toEqual([labels.a2]);
  });

  it('404s unknown releases and 400s bad requests', async () => {
    const unknown = randomUUID();
    for (const path of [
      `/v1/snapshots/${unknown}`,
      `/v1/snapshots/${unknown}/manifest`,
      `/v1/snapshots/${unknown}/datasheet`,
    ]) {
      const { status, contentType } = await harness.json(path);
      expect(status).toBe(404);
      expect(contentType).toContain('application/problem+json');
    }
    expect((await freeze({ name: 'x', strategy: 'average' })).status).toBe(400);
    expect((await freeze({ name: 'x', asOf: `snapshot:${unknown}` })).status).toBe(404);
    expect((await freeze({ name: 'x', unexpected: true })).status).toBe(400);
  });
});
