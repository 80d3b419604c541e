import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type QueryApiHarness } from './support/query-api-harness';

let harness: QueryApiHarness;

beforeAll(async () => {
  harness = await startHarness('openapi');
});

afterAll(async () => {
  await harness?.close();
});

describe('OpenAPI', () => {
  it('documents every endpoint and its parameters at /openapi.json', async () => {
    const { status, body } = await harness.json<{
      paths: Record<string, Record<string, { parameters?: { name: string }[] }>>;
    }>('/openapi.json');
    expect(status).toBe(200);
    const operations = Object.entries(body.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        key: `${method.toUpperCase()} ${path}`,
        parameters: (operation.parameters ?? []).map((parameter) => parameter.name).sort(),
      })),
    );
    expect(
      Object.fromEntries(operations.map((operation) => [operation.key, operation.parameters])),
    ).toMatchObject({
      'GET /v1/items/{itemId}': ['asOf', 'itemId'],
      'GET /v1/items/{itemId}/labels': ['asOf', 'itemId'],
      'GET /v1/items/{itemId}/leaves': ['asOf', 'itemId'],
      'GET /v1/labels/{labelId}': ['asOf', 'labelId'],
      'GET /v1/training-set': ['asOf', 'dataset', 'field', 'strategy', 'task'],
      'GET /v1/lineage': ['asOf', 'cursor', 'depth', 'direction', 'limit', 'node'],
      'GET /v1/items/{itemId}/provenance': ['asOf', 'depth', 'itemId'],
      'POST /v1/snapshots': [],
      'GET /v1/snapshots/{snapshotId}': ['snapshotId'],
      'GET /v1/snapshots/{snapshotId}/manifest': ['snapshotId'],
      'GET /v1/snapshots/{snapshotId}/datasheet': ['snapshotId'],
      'GET /v1/prov': ['asOf', 'node'],
    });
  });

  it('serves health and metrics', async () => {
    expect((await harness.get('/health/live')).status).toBe(200);
    expect((await harness.get('/health/ready')).status).toBe(200);
    expect(await (await harness.get('/metrics')).text()).toContain('strata_http_request_duration_seconds');
  });

  it('serves Swagger UI at /docs', async () => {
    const page = await harness.get('/docs');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/openapi.json');
    const bundle = await harness.get('/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
  });
});

describe('problem responses', () => {
  it.each([
    ['/v1/items/img-1?asOf=yesterday', 'asOf'],
    ['/v1/items/img-1/leaves?asOf=strata.items:0=abc', 'asOf'],
    ['/v1/labels/not-a-uuid', 'labelId'],
    ['/v1/training-set?strategy=average', 'strategy'],
    ['/v1/training-set?strategy=majority', 'field'],
    ['/v1/training-set?strategy=majority&field=x%27);DROP%20TABLE%20items;--', 'field'],
    ['/v1/lineage?node=item:img-1&depth=1000000', 'depth'],
    ['/v1/lineage?node=item:img-1&depth=-1', 'depth'],
    ['/v1/lineage?node=item:img-1&limit=-5', 'limit'],
    ['/v1/lineage?node=item:img-1&depth=1e3', 'depth'],
    ['/v1/lineage?node=item:img-1&direction=sideways', 'direction'],
    ['/v1/lineage?node=item:img-1&cursor=garbage', 'cursor'],
    ['/v1/lineage?node=widget:1', 'node'],
    ['/v1/lineage', 'node'],
    ['/v1/prov?node=label:123', 'node'],
    ['/v1/items/img-1/provenance?depth=11', 'depth'],
    ['/v1/snapshots/123/manifest', 'snapshotId'],
    ['/v1/items/img-1?asOf=latest&asOf=latest', 'asOf'],
    ['/v1/training-set?dataset=a&dataset=b', 'dataset'],
    [`/v1/training-set?dataset=${'x'.repeat(600)}`, 'dataset'],
    ['/v1/training-set?task=%00', 'task'],
  ])('GET %s → 400 naming %s', async (path, parameter) => {
    const { status, body, contentType } = await harness.json<Record<string, unknown>>(path);
    expect(contentType).toContain('application/problem+json');
    expect(body).toMatchObject({
      status: 400,
      parameter,
      type: expect.any(String),
      title: expect.any(String),
    });
    expect(body.detail).toEqual(expect.stringContaining(parameter));
    expect(status).toBe(400);
  });

  it('answers unknown routes with a 404 problem', async () => {
    const { status, body, contentType } = await harness.json('/v1/nothing-here');
    expect(status).toBe(404);
    expect(contentType).toContain('application/problem+json');
    expect(body).toMatchObject({ status: 404, type: expect.any(String), title: expect.any(String) });
  });

  it('rejects a malformed release request naming the field', async () => {
    const response = await harness.post('/v1/snapshots', { name: '', strategy: 'latest' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ parameter: 'name' });
    const unknownSnapshot = await harness.post('/v1/snapshots', { name: 'x', asOf: 'soon' });
    expect(unknownSnapshot.status).toBe(400);
    expect(await unknownSnapshot.json()).toMatchObject({ parameter: 'asOf' });
    // NUL would be published in the release event and then refused by PostgreSQL when projected.
    const nul = await harness.post('/v1/snapshots', { name: 'release\u0000' });
    expect(nul.status).toBe(400);
    expect(await nul.json()).toMatchObject({
      parameter: 'name',
      detail: expect.stringContaining('printable'),
    });
  });
});
