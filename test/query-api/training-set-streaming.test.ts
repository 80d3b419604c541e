import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { ApiKeyStore, ApiKeyVerifier } from '@strata/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limits } from '../../apps/query-api/src/common/limits';
import { createQueryApiApp } from '../../apps/query-api/src/start';
import { TrainingSetRepository } from '../../apps/query-api/src/repositories/training-set.repository';
import type { ReleasePublisher, LogOffsets } from '../../apps/query-api/src/ports';
import { History } from './support/history';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { ViewsSeeder } from './support/views-seeder';

// Rows large enough (about 30 MB in all) that loopback socket buffers cannot hold half the export.
const itemCount = 20_000;
let database: TestDatabase;
let app: NestFastifyApplication;
let url: string;
let pagesRead = 0;
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
  // Count the keyset pages the export reads, to see that a stalled client stalls the reading.
  const repository = app.get(TrainingSetRepository);
  const leavesPage = repository.leavesPage.bind(repository);
  repository.leavesPage = (...args) => {
    pagesRead += 1;
    return leavesPage(...args);
  };
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await app?.close();
  await database?.drop();
});

describe('training-set streaming', () => {
  it('streams a large export in order, and pages only as fast as the client reads', async () => {
    // A last full page is followed by an empty one that says the export is over.
    const totalPages = itemCount / limits.exportChunkItems + 1;
    const body = await new Promise<string>((resolve, reject) => {
      http.get(`${url}/v1/training-set?dataset=big`, { headers: { 'x-api-key': key } }, (response) => {
        const chunks: Buffer[] = [];
        response.once('data', (first: Buffer) => {
          chunks.push(first);
          response.pause();
          // While the client reads nothing, the server may fill socket buffers but not read on.
          setTimeout(() => {
            try {
              expect(pagesRead).toBeLessThan(totalPages / 2);
            } catch (error) {
              reject(error);
            }
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.resume();
          }, 1000);
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
    expect(pagesRead).toBe(totalPages);
  });
});
