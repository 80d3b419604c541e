import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryService } from '../registry-service';
import { InMemorySchemaLog } from '../schema-log';
import { buildRegistryApp, registryContentType } from './registry-app';

const schemaV1 = JSON.stringify({ type: 'record', name: 'T', fields: [{ name: 'a', type: 'string' }] });
const schemaV2 = JSON.stringify({
  type: 'record',
  name: 'T',
  fields: [
    { name: 'a', type: 'string' },
    { name: 'b', type: ['null', 'long'], default: null },
  ],
});
const incompatible = JSON.stringify({ type: 'record', name: 'T', fields: [{ name: 'a', type: 'long' }] });

describe('registry REST API', () => {
  let log: InMemorySchemaLog;
  let app: ReturnType<typeof buildRegistryApp>;

  const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) => {
    const response = await app.inject({
      method,
      url,
      headers: payload === undefined ? {} : { 'content-type': registryContentType },
      payload: payload === undefined ? undefined : JSON.stringify(payload),
    });
    return { status: response.statusCode, body: response.json(), type: response.headers['content-type'] };
  };
  const register = (subject: string, schema: string) =>
    call('POST', `/subjects/${subject}/versions`, { schema });

  beforeEach(async () => {
    log = new InMemorySchemaLog();
    app = buildRegistryApp(await RegistryService.open(log), pino({ level: 'silent' }));
  });
  afterEach(() => app.close());

  it('registers, numbers versions and serves schemas by id, subject and version', async () => {
    expect(await register('s', schemaV1)).toMatchObject({
      status: 200,
      body: { id: 1 },
      type: registryContentType,
    });
    expect((await register('s', schemaV2)).body).toEqual({ id: 2 });
    expect((await call('GET', '/subjects')).body).toEqual(['s']);
    expect((await call('GET', '/subjects/s/versions')).body).toEqual([1, 2]);
    expect((await call('GET', '/subjects/s/versions/latest')).body).toEqual({
      subject: 's',
      version: 2,
      id: 2,
      schema: schemaV2,
    });
    expect((await call('GET', '/subjects/s/versions/1')).body).toMatchObject({ id: 1, version: 1 });
    expect((await call('GET', '/schemas/ids/1')).body).toEqual({ schema: schemaV1 });
  });

  it('gives an identical schema one id across subjects, and re-registering is a no-op', async () => {
    await register('a', schemaV1);
    const spaced = JSON.stringify(JSON.parse(schemaV1), null, 2);
    expect((await register('b', spaced)).body).toEqual({ id: 1 });
    expect((await register('a', spaced)).body).toEqual({ id: 1 });
    expect((await call('GET', '/subjects/a/versions')).body).toEqual([1]);
    expect(log.records).toHaveLength(2);
  });

  it('refuses an incompatible schema with 409 naming the field', async () => {
    await register('s', schemaV1);
    const refused = await register('s', incompatible);
    expect(refused.status).toBe(409);
    expect(refused.body.error_code).toBe(409);
    expect(refused.body.message).toMatch(/incompatible .* subject "s" \(BACKWARD\).*field 'a' is long/);
  });

  it('answers the compatibility endpoint, with reasons when verbose', async () => {
    await register('s', schemaV1);
    const url = '/compatibility/subjects/s/versions/latest';
    expect((await call('POST', url, { schema: schemaV2 })).body).toEqual({ is_compatible: true });
    expect((await call('POST', url, { schema: incompatible })).body).toEqual({ is_compatible: false });
    const verbose = await call('POST', `${url}?verbose=true`, { schema: incompatible });
    expect(verbose.body.messages[0]).toMatch(/field 'a'/);
  });

  it('looks a schema up in a subject', async () => {
    await register('s', schemaV1);
    expect((await call('POST', '/subjects/s', { schema: schemaV1 })).body).toMatchObject({
      id: 1,
      version: 1,
    });
    expect(await call('POST', '/subjects/s', { schema: schemaV2 })).toMatchObject({
      status: 404,
      body: { error_code: 40403 },
    });
  });

  it('answers Confluent error codes for unknown subjects, versions, ids and bad schemas', async () => {
    expect(await call('GET', '/subjects/nope/versions')).toMatchObject({
      status: 404,
      body: { error_code: 40401 },
    });
    await register('s', schemaV1);
    expect(await call('GET', '/subjects/s/versions/7')).toMatchObject({
      status: 404,
      body: { error_code: 40402 },
    });
    expect(await call('GET', '/subjects/s/versions/zero')).toMatchObject({
      status: 422,
      body: { error_code: 42202 },
    });
    expect(await call('GET', '/schemas/ids/99')).toMatchObject({ status: 404, body: { error_code: 40403 } });
    expect(await register('s', '{"type": "record", "name": ')).toMatchObject({
      status: 422,
      body: { error_code: 42201 },
    });
    expect(await register('s', '{"type": "recrod", "name": "T"}')).toMatchObject({
      status: 422,
      body: { error_code: 42201, message: expect.stringMatching(/^Invalid schema: /) },
    });
    expect(
      await call('POST', '/subjects/s/versions', { schema: schemaV1, schemaType: 'PROTOBUF' }),
    ).toMatchObject({
      status: 422,
      body: { error_code: 42201 },
    });
  });

  it('keeps global and per-subject compatibility levels; 40408 when a subject has none', async () => {
    expect((await call('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect(await call('GET', '/config/s')).toMatchObject({ status: 404, body: { error_code: 40408 } });
    expect((await call('GET', '/config/s?defaultToGlobal=true')).body).toEqual({
      compatibilityLevel: 'BACKWARD',
    });
    expect((await call('PUT', '/config/s', { compatibility: 'NONE' })).body).toEqual({
      compatibility: 'NONE',
    });
    expect((await call('GET', '/config/s')).body).toEqual({ compatibilityLevel: 'NONE' });
    await register('s', schemaV1);
    expect((await register('s', incompatible)).status).toBe(200);
    expect(await call('PUT', '/config', { compatibility: 'SIDEWAYS' })).toMatchObject({
      status: 422,
      body: { error_code: 42203 },
    });
    expect((await call('PUT', '/config', { compatibility: 'full' })).body).toEqual({ compatibility: 'FULL' });
    expect((await call('DELETE', '/config/s')).body).toEqual({ compatibilityLevel: 'NONE' });
    expect((await register('s', schemaV2)).status).toBe(409);
  });

  it('soft-deletes versions and subjects without reusing ids or version numbers', async () => {
    await register('s', schemaV1);
    await register('s', schemaV2);
    expect((await call('DELETE', '/subjects/s/versions/2')).body).toBe(2);
    expect((await call('GET', '/subjects/s/versions')).body).toEqual([1]);
    expect((await call('DELETE', '/subjects/s')).body).toEqual([1]);
    expect((await call('GET', '/subjects')).body).toEqual([]);
    expect((await call('GET', '/subjects?deleted=true')).body).toEqual(['s']);
    expect((await call('GET', '/schemas/ids/2')).body).toEqual({ schema: schemaV2 });
    expect((await register('s', schemaV2)).body).toEqual({ id: 2 });
    expect((await call('GET', '/subjects/s/versions')).body).toEqual([3]);
  });

  it('rebuilds the same state from its log', async () => {
    await register('a', schemaV1);
    await register('a', schemaV2);
    await call('PUT', '/config/a', { compatibility: 'FULL' });
    const replayed = buildRegistryApp(await RegistryService.open(log), pino({ level: 'silent' }));
    try {
      const latest = await replayed.inject({ method: 'GET', url: '/subjects/a/versions/latest' });
      expect(latest.json()).toMatchObject({ id: 2, version: 2 });
      expect((await replayed.inject({ method: 'GET', url: '/config/a' })).json()).toEqual({
        compatibilityLevel: 'FULL',
      });
      const next = await replayed.inject({
        method: 'POST',
        url: '/subjects/b/versions',
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ schema: incompatible }),
      });
      expect(next.json()).toEqual({ id: 3 });
    } finally {
      await replayed.close();
    }
  });

  it('answers 400 for a malformed request body and 404 for unknown paths', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/subjects/s/versions',
      headers: { 'content-type': registryContentType },
      payload: '{not json',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error_code).toBe(400);
    expect(await call('GET', '/nowhere')).toMatchObject({ status: 404, body: { error_code: 404 } });
  });
});
