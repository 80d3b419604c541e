import pino from 'pino';
import { loadConfig } from '@strata/config';
import {
  startQueryApi,
  type RunningQueryApi,
  type StartQueryApiOptions,
} from '../../../apps/query-api/src/start';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface QueryApiHarness {
  database: TestDatabase;
  api: RunningQueryApi;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  json<T = Record<string, unknown>>(path: string): Promise<{ status: number; body: T; contentType: string }>;
  close(): Promise<void>;
}

/** A query API on a free port over its own fresh database, prepared (seeded) before it starts. */
export async function startHarness(
  label: string,
  options: Pick<StartQueryApiOptions, 'brokers' | 'registryUrl' | 'publisher' | 'logOffsets'> & {
    prepare?: (database: TestDatabase) => Promise<void>;
  } = {},
): Promise<QueryApiHarness> {
  const database = await createTestDatabase(label);
  await options.prepare?.(database);
  const config = loadConfig({ DATABASE_URL: database.url, STRATA_LOG_LEVEL: 'silent' });
  const api = await startQueryApi({
    config,
    logger: pino({ level: process.env.STRATA_TEST_LOG_LEVEL ?? 'silent' }),
    port: 0,
    host: '127.0.0.1',
    brokers: options.brokers,
    registryUrl: options.registryUrl,
    publisher: options.publisher,
    logOffsets: options.logOffsets,
  });
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${api.url}${path}`, { headers });
  return {
    database,
    api,
    get,
    json: async <T>(path: string) => {
      const response = await get(path);
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        body: (await response.json()) as T,
      };
    },
    close: async () => {
      await api.close();
      await database.drop();
    },
  };
}
