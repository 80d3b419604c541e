import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { explorerRoutes } from './explorer';
import type { ExplorerFiles } from './explorer-files';

const built: ExplorerFiles = new Map([
  [
    '/index.html',
    { body: Buffer.from('<!doctype html><p>explorer</p>'), contentType: 'text/html; charset=utf-8' },
  ],
  ['/assets/index-abc.js', { body: Buffer.from('run()'), contentType: 'text/javascript; charset=utf-8' }],
]);

let fastify: FastifyInstance;
afterEach(async () => {
  await fastify.close();
});

async function serve(build: () => Promise<ExplorerFiles>) {
  fastify = Fastify();
  explorerRoutes(fastify, pino({ level: 'silent' }), build);
  fastify.get('/v1/items/:itemId', async () => ({ api: true }));
  await fastify.ready();
  return (url: string) => fastify.inject({ method: 'GET', url });
}

describe('explorer routes', () => {
  it('answers every page path with index.html, revalidated, under a content security policy', async () => {
    const get = await serve(async () => built);
    for (const path of ['/', '/items/img%2F1', '/lineage?node=item:a', '/releases', '/releases/abc']) {
      const response = await get(path);
      expect(response.statusCode).toBe(200);
      expect(response.body).toBe('<!doctype html><p>explorer</p>');
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    }
  });

  it('serves hashed assets for good, and 404s unknown ones as problems', async () => {
    const get = await serve(async () => built);
    const asset = await get('/assets/index-abc.js?v=1');
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    // Files are looked up by exact name among the built ones, so no path leads anywhere else.
    for (const path of ['/assets/missing.js', '/assets/%2e%2e%2findex.html']) {
      const missing = await get(path);
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('leaves API paths to the API', async () => {
    const get = await serve(async () => built);
    expect((await get('/v1/items/a')).json()).toEqual({ api: true });
    expect((await get('/items')).statusCode).toBe(404);
  });

  it('answers 503 naming the reason when the build fails, and builds again on the next request', async () => {
    let builds = 0;
    const get = await serve(async () => {
      builds += 1;
      if (builds === 1) throw new Error('vite: cannot resolve ./main.ts');
      return built;
    });
    const failed = await get('/');
    expect(failed.statusCode).toBe(503);
    expect(failed.json()).toMatchObject({
      status: 503,
      detail: 'the explorer could not be built: vite: cannot resolve ./main.ts',
    });
    expect((await get('/')).statusCode).toBe(200);
    expect((await get('/assets/index-abc.js')).statusCode).toBe(200);
    expect(builds).toBe(2);
  });
});
