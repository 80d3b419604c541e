import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, freePort, startCli, type CliProcess, type TestDatabase } from '@strata/testing';

/**
 * `strata up` as a newcomer runs it: one process, embedded broker and registry, migrations, topics,
 * schemas, query API, gateway, a local admin key, and the demo dataset published into the empty log.
 */
let database: TestDatabase;
let dataDir: string;
let up: CliProcess;
let ports: { kafka: number; registry: number; api: number; gateway: number; projector: number };
let adminKey: string;

beforeAll(async () => {
  database = await createTestDatabase({ label: 'cli_up' });
  dataDir = await mkdtemp(path.join(tmpdir(), 'strata-up-'));
  ports = {
    kafka: await freePort(),
    registry: await freePort(),
    api: await freePort(),
    gateway: await freePort(),
    projector: await freePort(),
  };
  up = startCli(
    [
      'up',
      '--data-dir',
      dataDir,
      '--kafka-port',
      String(ports.kafka),
      '--registry-port',
      String(ports.registry),
      '--api-port',
      String(ports.api),
      '--gateway-port',
      String(ports.gateway),
      '--projector-metrics-port',
      String(ports.projector),
    ],
    // An external cluster in the environment would make `up` embed nothing; this test is about embedding.
    { DATABASE_URL: database.url, STRATA_KAFKA_BROKERS: '', STRATA_SCHEMA_REGISTRY_URL: '' },
  );
  await up.waitForLog('strata is up; press Ctrl-C to stop', 120_000);
  adminKey = (await readFile(path.join(dataDir, 'admin.key'), 'utf8')).trim();
}, 180_000);

afterAll(async () => {
  await up?.stop('SIGKILL');
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('strata up', () => {
  it('leaves a local admin key readable by its owner only', async () => {
    expect(adminKey).toMatch(/\S{20,}/);
    expect((await stat(path.join(dataDir, 'admin.key'))).mode & 0o077).toBe(0);
  });

  it('serves the query API, the gateway and the projector, all ready', async () => {
    for (const port of [ports.api, ports.gateway, ports.projector]) {
      const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(response.status).toBe(200);
    }
  });

  it('prints where to start with the demo dataset it published', () => {
    expect(up.stdout()).toMatch(/Published 2000 items in two datasets/);
    expect(up.stdout()).toContain(`http://127.0.0.1:${ports.api}/v1/items/`);
  });

  it('has projected the demo by the time it says it is up: its examples answer at once', async () => {
    const examples = [...up.stdout().matchAll(/'(http:\/\/127\.0\.0\.1:\d+\/v1\/items\/[^/]+\/leaves)'/g)];
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const [, url] of examples) {
      const response = await fetch(url, { headers: { authorization: `Bearer ${adminKey}` } });
      expect(response.status, url).toBe(200);
      const body = (await response.json()) as { leaves: unknown[] };
      expect(body.leaves.length, url).toBeGreaterThan(0);
    }
  });

  it('accepts events through the gateway with the admin key, and refuses them without', async () => {
    const event = {
      type: 'ItemRegistered',
      event: {
        envelope: {
          eventId: crypto.randomUUID(),
          eventTime: Date.now(),
          namespace: 'demo',
          producer: { name: 'up-test', version: '1' },
          actor: { kind: 'SERVICE', id: 'up-test' },
        },
        itemId: 'up-test-item',
        uri: 's3://bucket/up.jpg',
        contentHash: 'sha256:00',
        mediaType: 'image/jpeg',
        datasets: ['street-scenes'],
        source: null,
        license: null,
        attributes: {},
      },
    };
    const post = (headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${ports.gateway}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify([event]),
      });
    expect((await post({})).status).toBe(401);
    const accepted = await post({ authorization: `Bearer ${adminKey}` });
    expect(accepted.status, await accepted.clone().text()).toBeLessThan(300);
    await expect
      .poll(
        async () =>
          (
            await fetch(`http://127.0.0.1:${ports.api}/v1/items/up-test-item`, {
              headers: { authorization: `Bearer ${adminKey}` },
            })
          ).status,
        { timeout: 30_000 },
      )
      .toBe(200);
  });

  it('shuts down cleanly on SIGINT', async () => {
    expect(await up.stop('SIGINT')).toBe(0);
    expect(up.stderr()).toMatch(/"msg":"stopped"/);
  });
});
