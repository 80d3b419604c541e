import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileRef, History } from './support/history';
import { startHarness, testNamespace, withKey, type QueryApiHarness } from './support/query-api-harness';
import { ViewsSeeder } from './support/views-seeder';

/** Each service limit, run into on purpose: the answer names the limit and says what to do. */

const limits = {
  bodyLimitBytes: 1024,
  rateLimit: { ratePerSecond: 0.01, burst: 3 },
  requestTimeoutMs: 300,
  connectionTimeoutMs: 1_000,
  statementTimeoutMs: 400,
};
/**
 * Steps that each read and write all of these files: a depth-10 lineage walk over this complete
 * bipartite graph visits millions of edges, far more than the statement timeout allows.
 */
const denseSize = 300;

let harness: QueryApiHarness;

beforeAll(async () => {
  harness = await startHarness('limits', {
    limits,
    prepare: async (database) => {
      const seeder = await ViewsSeeder.createLive(database.knex);
      const history = new History();
      history.registerItem('img-1');
      const run = history.startRun('dense', 'git:1');
      const files = Array.from({ length: denseSize }, (_, index) => fileRef(`f-${index}`));
      for (let step = 0; step < denseSize; step += 1) history.step(run, `mix-${step}`, files, files);
      await seeder.apply(history.events);
    },
  });
}, 120_000);

afterAll(async () => {
  await harness?.close();
});

interface Problem {
  status: number;
  detail: string;
  limit?: string;
}

/** Sends raw bytes and returns everything the server answers until it closes the connection. */
function rawExchange(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(bytes));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('service limits', () => {
  it('refuses a body over bodyLimitBytes with 413 naming the limit', async () => {
    const response = await harness.post('/v1/snapshots', { name: 'x'.repeat(2000) });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({
      status: 413,
      limit: 'bodyLimitBytes',
      detail: expect.stringContaining('1024-byte limit'),
    });
  });

  it('answers 429 with Retry-After past a key’s rate limit, and only for that key', async () => {
    const key = (await harness.createKey(['read'], [testNamespace])).key;
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let request = 0; request < limits.rateLimit.burst + 1; request += 1) {
      const response = await harness.get('/v1/items/img-1', withKey(key));
      statuses.push(response.status);
      if (response.status === 429) refused = response;
      else await response.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const problem = (await refused!.json()) as Problem;
    expect(problem).toMatchObject({ status: 429, limit: 'rateLimit' });
    expect(problem.detail).toMatch(/rate limit: API key ".*" exceeded 0.01 requests\/s \(bursts of 3\)/);
    const other = (await harness.createKey(['read'], [testNamespace])).key;
    expect((await harness.get('/v1/items/img-1', withKey(other))).status).toBe(200);
  });

  it('answers 408 naming requestTimeoutMs to a request whose headers do not arrive in time', async () => {
    const answer = await rawExchange(harness.api.url, 'GET /v1/items/img-1 HTTP/1.1\r\nHost: x\r\n');
    expect(answer).toMatch(/^HTTP\/1.1 408 Request Timeout\r\n/);
    expect(answer).toContain('application/problem+json');
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({
      status: 408,
      limit: 'requestTimeoutMs',
      detail: expect.stringContaining(`${limits.requestTimeoutMs} ms`),
    });
  });

  it('answers 408 to a connection that sends nothing, and closes it', async () => {
    expect(await rawExchange(harness.api.url, '')).toMatch(/^HTTP\/1.1 408 Request Timeout\r\n/);
  });

  it('closes a connection whose body stops arriving for connectionTimeoutMs, writing nothing', async () => {
    const answer = await rawExchange(
      harness.api.url,
      'POST /v1/snapshots HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
    );
    expect(answer).toBe('');
  });

  it('cancels a query past statementTimeoutMs with 503 naming the limit, and keeps serving', async () => {
    const key = withKey((await harness.createKey(['read'], [testNamespace])).key);
    const slow = await harness.json<Problem>(
      '/v1/lineage?node=artifact:file:f-0&direction=upstream&depth=10',
      key,
    );
    expect(slow.status).toBe(503);
    expect(slow.body).toMatchObject({
      limit: 'statementTimeoutMs',
      detail: expect.stringContaining(`${limits.statementTimeoutMs} ms statement timeout`),
    });
    const shallow = await harness.json<{ nodes: unknown[] }>(
      '/v1/lineage?node=artifact:file:f-0&direction=upstream&depth=1&limit=10',
      key,
    );
    expect(shallow.status).toBe(200);
    expect(shallow.body.nodes).toHaveLength(10);
  });

  it('caps lineage depth and nodes with 400 naming the parameter (never a silent clamp)', async () => {
    const key = withKey((await harness.createKey(['read'], [testNamespace])).key);
    for (const [query, parameter] of [
      ['depth=11', 'depth'],
      ['limit=5001', 'limit'],
    ]) {
      const { status, body } = await harness.json<Problem & { parameter: string }>(
        `/v1/lineage?node=item:img-1&${query}`,
        key,
      );
      expect({ status, parameter: body.parameter }).toEqual({ status: 400, parameter });
      expect(body.detail).toMatch(/must be between 1 and/);
    }
  });
});
