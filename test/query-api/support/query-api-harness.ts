import pino from 'pino';
import { ApiKeyStore, type ApiKeyScope } from '@strata/auth';
import { loadConfig } from '@strata/config';
import {
  startQueryApi,
  type RunningQueryApi,
  type StartQueryApiOptions,
} from '../../../apps/query-api/src/start';
import { createTestDatabase, type TestDatabase } from './test-database';

/** The namespace of the test histories (see History). */
export const testNamespace = 'test';

export interface QueryApiHarness {
  database: TestDatabase;
  api: RunningQueryApi;
  /** A read key and an admin key, both for the test namespace only. */
  keys: { reader: string; admin: string };
  /** Makes another key in the API's database. */
  createKey(scopes: ApiKeyScope[], namespaces: string[]): Promise<{ id: string; key: string }>;
  /** GET with the reader key unless `headers` says otherwise. */
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  json<T = Record<string, unknown>>(
    path: string,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: T; contentType: string }>;
  /** POST JSON with the admin key unless `headers` says otherwise. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export const withKey = (key: string) => ({ authorization: `Bearer ${key}` });

/** A query API on a free port over its own fresh database, prepared (seeded) before it starts. */
export async function startHarness(
  label: string,
  options: Pick<StartQueryApiOptions, 'brokers' | 'registryUrl' | 'publisher' | 'logOffsets' | 'limits'> & {
    prepare?: (database: TestDatabase) => Promise<void>;
  } = {},
): Promise<QueryApiHarness> {
  const database = await createTestDatabase(label);
  await options.prepare?.(database);
  const store = new ApiKeyStore(database.knex);
  const createKey = (scopes: ApiKeyScope[], namespaces: string[]) =>
    store.create({ name: `${scopes.join('-')}-${namespaces.join('-')}`, scopes, namespaces });
  const keys = {
    reader: (await createKey(['read'], [testNamespace])).key,
    admin: (await createKey(['admin'], [testNamespace])).key,
  };
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
    // Tests make bursts of requests with one key; the rate limit has its own test.
    limits: { rateLimit: { ratePerSecond: 10_000, burst: 10_000 }, ...options.limits },
  });
  const get = (path: string, headers: Record<string, string> = withKey(keys.reader)) =>
    fetch(`${api.url}${path}`, { headers });
  return {
    database,
    api,
    keys,
    createKey,
    get,
    json: async <T>(path: string, headers?: Record<string, string>) => {
      const response = await get(path, headers);
      return {
        status: response.status,
        contentType: response.headers.get('content-type') ?? '',
        body: (await response.json()) as T,
      };
    },
    post: (path, body, headers = withKey(keys.admin)) =>
      fetch(`${api.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    close: async () => {
      await api.close();
      await database.drop();
    },
  };
}
