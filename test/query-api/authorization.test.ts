import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '@strata/auth';
import { fileRef, itemRef } from './support/history';
import { petsScenario } from './support/pets-scenario';
import { historyLogOffsets, projectingPublisher } from './support/projecting-publisher';
import { startHarness, testNamespace, withKey, type QueryApiHarness } from './support/query-api-harness';
import { ViewsSeeder } from './support/views-seeder';

/**
 * Namespace `test` (A) holds the pets scenario; namespace `other` (B) holds an item with a
 * correction, a review, a run whose step reads A's img-a and makes a model, and a release. A's keys
 * must see nothing of B on any endpoint, and B's keys must see it (so every probe hits real data).
 */
const scenario = petsScenario();
const { history } = scenario;
history.namespace = 'other';
history.registerItem('img-z', { datasets: ['pets'], source: 'secret-source', license: 'secret-license' });
const z1 = history.createLabel('img-z', { class: 'zebra' });
const z2 = history.correctLabel('img-z', [z1], { class: 'okapi' });
history.review('img-z', z2, 'APPROVED');
const otherRun = history.startRun('other-training', 'git:secret', { secret: true });
const otherStep = history.step(
  otherRun,
  'secret-train',
  [itemRef('img-a'), itemRef('img-z'), fileRef('secret.csv')],
  [{ kind: 'MODEL', id: 'secret-model', version: '1' }],
);
history.completeRun(otherRun);
history.namespace = testNamespace;

let harness: QueryApiHarness;
let seeder: ViewsSeeder;
const keys = { otherReader: '', otherAdmin: '', writer: '', revoked: '', twoNamespacesAdmin: '' };
const releases = { mine: '', other: '' };
/** Strings only B's data contains; none may appear in an answer to A's key. */
let otherMarkers: string[];

beforeAll(async () => {
  harness = await startHarness('authz', {
    publisher: projectingPublisher(history, () => seeder),
    logOffsets: historyLogOffsets(() => history.events),
    // Every lookup asks the store, so a revocation shows at once.
    limits: { keyCacheTtlMs: 0 },
    prepare: async (database) => {
      seeder = await ViewsSeeder.createLive(database.knex);
      await seeder.apply(history.events);
    },
  });
  keys.otherReader = (await harness.createKey(['read'], ['other'])).key;
  keys.otherAdmin = (await harness.createKey(['admin'], ['other'])).key;
  keys.writer = (await harness.createKey(['write'], [testNamespace])).key;
  keys.twoNamespacesAdmin = (await harness.createKey(['admin'], [testNamespace, 'other'])).key;
  const revoked = await harness.createKey(['read', 'admin'], ['*']);
  keys.revoked = revoked.key;
  await new ApiKeyStore(harness.database.knex).revoke(revoked.id);

  const freeze = async (key: string, body: Record<string, unknown>) => {
    const response = await harness.post('/v1/snapshots', body, withKey(key));
    expect(response.status).toBe(201);
    return ((await response.json()) as { snapshotId: string }).snapshotId;
  };
  releases.mine = await freeze(harness.keys.admin, { name: 'mine', dataset: 'pets' });
  releases.other = await freeze(keys.otherAdmin, { name: 'theirs', dataset: 'pets' });
  otherMarkers = ['img-z', z1, z2, otherRun, otherStep, 'secret', releases.other];
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

interface Probe {
  /** A request for B's data. */
  path: string;
  /**
   * `missing`: one object of B, 404 to A; `list`: B's data would be among others, 200 to A without
   * any of it; `touched`: an object of A that B's data refers to, 200 to A without B's part.
   */
  kind: 'missing' | 'list' | 'touched';
}

/** Requests for B's data, per GET path of the OpenAPI document: a new endpoint must add its probes here. */
function probesOfOtherNamespace(): Record<string, Probe[]> {
  const missing = (...paths: string[]) => paths.map((path) => ({ path, kind: 'missing' as const }));
  const list = (...paths: string[]) => paths.map((path) => ({ path, kind: 'list' as const }));
  const touched = (...paths: string[]) => paths.map((path) => ({ path, kind: 'touched' as const }));
  const other = `snapshot:${releases.other}`;
  return {
    '/v1/items/{itemId}': missing('/v1/items/img-z', `/v1/items/img-a?asOf=${other}`),
    '/v1/items/{itemId}/labels': missing('/v1/items/img-z/labels', `/v1/items/img-a/labels?asOf=${other}`),
    '/v1/items/{itemId}/leaves': missing('/v1/items/img-z/leaves', `/v1/items/img-a/leaves?asOf=${other}`),
    '/v1/items/{itemId}/provenance': missing(
      '/v1/items/img-z/provenance',
      `/v1/items/img-a/provenance?asOf=${other}`,
    ),
    '/v1/labels/{labelId}': missing(`/v1/labels/${z1}`, `/v1/labels/${z2}`),
    '/v1/lineage': [
      ...missing(
        '/v1/lineage?node=item:img-z',
        `/v1/lineage?node=label:${z2}`,
        `/v1/lineage?node=run:${otherRun}`,
        '/v1/lineage?node=artifact:model:secret-model@1',
        '/v1/lineage?node=artifact:file:secret.csv',
        `/v1/lineage?node=item:img-a&asOf=${other}`,
      ),
      // A's own item, which B's step read: A sees its item's lineage without B's step and model.
      ...touched('/v1/lineage?node=item:img-a&direction=downstream&depth=3'),
    ],
    '/v1/prov': [
      ...missing(
        '/v1/prov?node=item:img-z',
        `/v1/prov?node=label:${z1}`,
        `/v1/prov?node=run:${otherRun}`,
        `/v1/prov?node=snapshot:${releases.other}`,
        `/v1/prov?node=item:img-a&asOf=${other}`,
        '/v1/prov?node=artifact:model:secret-model@1',
      ),
      ...touched('/v1/prov?node=item:img-a'),
    ],
    '/v1/training-set': [
      ...list(
        '/v1/training-set',
        '/v1/training-set?dataset=pets',
        '/v1/training-set?dataset=pets&strategy=all-leaves',
        '/v1/training-set?strategy=unresolved',
      ),
      ...missing(`/v1/training-set?asOf=${other}`),
    ],
    '/v1/snapshots/{snapshotId}': missing(`/v1/snapshots/${releases.other}`),
    '/v1/snapshots/{snapshotId}/manifest': missing(`/v1/snapshots/${releases.other}/manifest`),
    '/v1/snapshots/{snapshotId}/datasheet': missing(`/v1/snapshots/${releases.other}/datasheet`),
  };
}

async function getPaths(): Promise<string[]> {
  const { body } = await harness.json<{ paths: Record<string, Record<string, unknown>> }>('/openapi.json');
  return Object.entries(body.paths)
    .filter(([path, methods]) => path.startsWith('/v1/') && 'get' in methods)
    .map(([path]) => path)
    .sort();
}

/** An answer to A's key as text: 200 to A never names B's data. */
async function asNamespaceA(path: string): Promise<{ status: number; text: string }> {
  const response = await harness.get(path);
  return { status: response.status, text: await response.text() };
}

describe('namespaces: a key sees only its namespaces', () => {
  it('has probes of the other namespace for every GET endpoint of the OpenAPI document', async () => {
    expect(Object.keys(probesOfOtherNamespace()).sort()).toEqual(await getPaths());
  });

  it('answers every probe of B’s data to B’s key (the probes hit real data)', async () => {
    for (const probes of Object.values(probesOfOtherNamespace())) {
      const ofOther = probes.filter(
        (probe) => probe.kind !== 'touched' && !probe.path.includes('asOf=snapshot'),
      );
      for (const { path } of ofOther) {
        const response = await harness.get(path, withKey(keys.otherReader));
        expect({ path, status: response.status }).toEqual({ path, status: 200 });
      }
    }
    const other = await harness.get('/v1/training-set?dataset=pets', withKey(keys.otherReader));
    expect(await other.text()).toContain('img-z');
  });

  it('hides B’s data from A’s key on every endpoint: 404 for one object, absent from lists', async () => {
    for (const [template, probes] of Object.entries(probesOfOtherNamespace())) {
      for (const { path, kind } of probes) {
        const { status, text } = await asNamespaceA(path);
        expect({ template, path, status }).toEqual({
          template,
          path,
          status: kind === 'missing' ? 404 : 200,
        });
        if (kind !== 'missing') {
          for (const marker of otherMarkers)
            expect({ path, leaked: text.includes(marker) }).toEqual({ path, leaked: false });
        }
      }
    }
  });

  it('still shows A its own data, releases included', async () => {
    expect((await harness.get('/v1/items/img-a')).status).toBe(200);
    expect((await harness.get(`/v1/snapshots/${releases.mine}`)).status).toBe(200);
    const exported = await (await harness.get('/v1/training-set?dataset=pets')).text();
    expect(exported).toContain('img-a');
    const lineage = await harness.json<{ nodes: { id: string }[] }>(
      '/v1/lineage?node=item:img-a&direction=downstream&depth=3',
    );
    expect(lineage.body.nodes.map((node) => node.id)).toContain('artifact:model:resnet@1');
  });

  it('freezes a release over its namespace only, so each side’s manifest has only its items', async () => {
    const mine = await (await harness.get(`/v1/snapshots/${releases.mine}/manifest`)).text();
    const theirs = await (
      await harness.get(`/v1/snapshots/${releases.other}/manifest`, withKey(keys.otherReader))
    ).text();
    expect(mine).toContain('img-a');
    expect(mine).not.toContain('img-z');
    expect(theirs.trim().split('\n')).toEqual([`img-z\t${z2}\tsha256:img-z`]);
  });
});

describe('keys and scopes', () => {
  it('declares both ways to send a key in the OpenAPI document, on every /v1 operation', async () => {
    const { body } = await harness.json<{
      components: { securitySchemes: Record<string, { type: string; name?: string; scheme?: string }> };
      paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
    }>('/openapi.json');
    expect(body.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      apiKey: { type: 'apiKey', name: 'X-Api-Key' },
    });
    // Health and metrics stay open for probes and scrapers; every data endpoint is under /v1.
    for (const [path, methods] of Object.entries(body.paths).filter(([p]) => p.startsWith('/v1/'))) {
      for (const [method, operation] of Object.entries(methods)) {
        expect({ path, method, security: operation.security }).toEqual({
          path,
          method,
          security: expect.arrayContaining([{ bearer: [] }, { apiKey: [] }]),
        });
      }
    }
  });

  it('answers 401 without a key, with an unknown key, and with a revoked key; 403 without the read scope', async () => {
    for (const path of await getPaths()) {
      const concrete = probesOfOtherNamespace()[path][0].path;
      const cases: [Record<string, string>, number, RegExp][] = [
        [{}, 401, /API key is required/],
        [{ 'x-api-key': 'stk_0000000000000000_' + '0'.repeat(64) }, 401, /unknown, malformed or revoked/],
        [withKey('garbage'), 401, /unknown, malformed or revoked/],
        [withKey(keys.revoked), 401, /unknown, malformed or revoked/],
        [withKey(keys.writer), 403, /lacks the read scope/],
      ];
      for (const [headers, status, detail] of cases) {
        const response = await harness.get(concrete, headers);
        const body = (await response.json()) as { status: number; detail: string };
        expect({ path, status: response.status }).toEqual({ path, status });
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(body).toMatchObject({ status, detail: expect.stringMatching(detail) });
      }
    }
  });

  it('accepts the key as X-Api-Key too', async () => {
    expect((await harness.get('/v1/items/img-a', { 'x-api-key': harness.keys.reader })).status).toBe(200);
  });

  it('needs the admin scope, over the release namespace, to freeze a release', async () => {
    const freeze = (key: string, body: Record<string, unknown> = { name: 'x' }) =>
      harness.post('/v1/snapshots', body, withKey(key));
    const reader = await freeze(harness.keys.reader);
    expect(reader.status).toBe(403);
    expect(await reader.json()).toMatchObject({ detail: expect.stringContaining('admin scope') });
    expect((await freeze(keys.writer)).status).toBe(403);
    expect((await harness.post('/v1/snapshots', { name: 'x' }, {})).status).toBe(401);
    const foreign = await freeze(keys.otherAdmin, { name: 'x', namespace: testNamespace });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ detail: expect.stringContaining('namespace "test"') });
    const everything = await freeze(harness.keys.admin, { name: 'x', namespace: '*' });
    expect(everything.status).toBe(403);
    const ambiguous = await freeze(keys.twoNamespacesAdmin);
    expect(ambiguous.status).toBe(400);
    expect(await ambiguous.json()).toMatchObject({ parameter: 'namespace' });
    const chosen = await freeze(keys.twoNamespacesAdmin, {
      name: 'chosen',
      namespace: 'other',
      dataset: 'pets',
    });
    expect(chosen.status).toBe(201);
    expect(await chosen.json()).toMatchObject({ namespace: 'other', itemCount: 1 });
  });
});
