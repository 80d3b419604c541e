import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { ApiKeyStore, ApiKeyVerifier } from '@strata/auth';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createQueryApiApp } from '../../apps/query-api/src/start';
import type { ReleasePublisher, LogOffsets } from '../../apps/query-api/src/ports';
import { History } from './support/history';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { ViewsSeeder } from './support/views-seeder';

// Rows large enough (about 30 MB in all) that loopback socket buffers cannot hold half the export.
const itemCount = 20_000;
let database: TestDatabase;
let app: NestFastifyApplication;
let url: string;
let key: string;

const unused = () => Promise.reject(new Error('not used by this test'));

beforeAll(async () => {
  database = await createTestDatabase('streaming');
  const seeder = await ViewsSeeder.createLive(database.knex);
  const history = new History((itemId) => Number(itemId.slice(-1)) % 3);
  for (let index = 0; index < itemCount; index += 1) {
    const itemId = `item-${String(index).padStart(6, '0')}`;
    history.registerItem(itemId, { datasets: ['big'] });
    history.createLabel(itemId, { class: index % 2 ? 'cat' : 'dog', note: 'x'.repeat(1500) });
  }
  for (let start = 0; start < history.events.length; start += 5000) {
    await seeder.apply(history.events.slice(start, start + 5000));
  }
  const store = new ApiKeyStore(database.knex);
  key = (await store.create({ name: 'trainer', scopes: ['read'], namespaces: ['test'] })).key;
  const dependencies = {
    access: { keys: new ApiKeyVerifier(store) },
    knex: database.knex,
    logger: pino({ level: 'silent' }),
    publisher: { publish: unused } as ReleasePublisher,
    logOffsets: { offsetsAtTime: unused } as LogOffsets,
  };
  app = await createQueryApiApp(dependencies);
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
}, 120_000);

/** The other sessions of the test database inside a transaction: an export's, while it reads. */
async function openTransactions(): Promise<{ state: string; wait_event: string | null }[]> {
  const { rows } = (await database.knex.raw(
    `SELECT state, wait_event FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`,
  )) as { rows: { state: string; wait_event: string | null }[] };
  return rows;
}

afterAll(async () => {
  await app?.close();
  await database?.drop();
});

describe('training-set streaming', () => {
  it('streams a large export in order, and reads only as fast as the client reads', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      http.get(`${url}/v1/training-set?dataset=big`, { headers: { 'x-api-key': key } }, (response) => {
        const chunks: Buffer[] = [];
        response.once('data', (first: Buffer) => {
          chunks.push(first);
          response.pause();
          // While the client reads nothing, the socket buffers fill and the export stops reading:
          // its query stays open, PostgreSQL waiting for the API to take more rows. Read without back
          // pressure, the whole export would be out of the database and its transaction gone. How soon
          // the buffers fill depends on the machine's load, so this waits for it rather than a fixed time.
          vi.waitFor(
            async () =>
              expect(await openTransactions()).toEqual([{ state: 'active', wait_event: 'ClientWrite' }]),
            { timeout: 30_000, interval: 100 },
          )
            .then(() => {
              response.on('data', (chunk: Buffer) => chunks.push(chunk));
              response.resume();
            })
            .catch(reject);
        });
        response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        response.on('error', reject);
      });
    });
    const itemIds = body
      .split('\n')
      .filter(Boolean)
      .map((line) => (JSON.parse(line) as { itemId: string }).itemId);
    expect(itemIds).toHaveLength(itemCount);
    expect(itemIds).toEqual([...itemIds].sort());
    expect(await openTransactions()).toEqual([]);
  });

  it('gives its database connection back when the client leaves mid-export', async () => {
    const pool = (database.knex.client as { pool: { numUsed(): number } }).pool;
    const clients = 3;
    await Promise.all(
      Array.from(
        { length: clients },
        () =>
          new Promise<void>((resolve, reject) => {
            const request = http.get(
              `${url}/v1/training-set?dataset=big`,
              { headers: { 'x-api-key': key } },
              (response) => {
                response.once('data', () => {
                  // The export holds a connection while it streams; the client hangs up and never reads on.
                  expect(pool.numUsed()).toBeGreaterThan(0);
                  request.destroy();
                  resolve();
                });
                response.on('error', () => undefined);
              },
            );
            request.on('error', (error) => {
              if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error);
            });
          }),
      ),
    );
    await vi.waitFor(() => expect(pool.numUsed()).toBe(0), { timeout: 10_000, interval: 50 });
    // Its query and transaction ended too: nothing of the export is left running on the server.
    await vi.waitFor(async () => expect(await openTransactions()).toEqual([]), {
      timeout: 10_000,
      interval: 50,
    });
  });
});
