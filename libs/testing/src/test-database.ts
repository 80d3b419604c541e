import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** A PostgreSQL database of its own for one test (file, suite or stack), dropped by `drop()`. */
export interface TestDatabase {
  /** Connection URL of the fresh database. */
  url: string;
  /** Its name, `strata_test_<label>_<random>`. */
  name: string;
  /** Drops it WITH (FORCE), so connections a test forgot to close do not keep it alive. */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /**
   * Where to create it: any URL on the target server; only its host, port and credentials are used.
   * Default: `DATABASE_URL` from the environment, else the local server.
   */
  serverUrl?: string;
  /** Readable part of the name, to spot a leftover database's origin; `[a-z0-9_]` only. */
  label?: string;
}

const localServer = 'postgres://postgres@127.0.0.1:5432/postgres';

function withDatabase(url: string, database: string): string {
  const target = new URL(url);
  target.pathname = `/${database}`;
  return target.toString();
}

/** Runs one statement on the server's `postgres` maintenance database. */
async function onMaintenanceDatabase(serverUrl: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates a fresh, empty database (no migrations: tests that need them run `migrateLatest`). */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const serverUrl = options.serverUrl ?? process.env.DATABASE_URL ?? localServer;
  const label = (options.label ?? 'db')
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 30);
  const name = `strata_test_${label}_${randomBytes(5).toString('hex')}`;
  // The name is built from [a-z0-9_] only, so quoting it is enough.
  await onMaintenanceDatabase(serverUrl, `CREATE DATABASE "${name}"`);
  let dropped = false;
  return {
    url: withDatabase(serverUrl, name),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      await onMaintenanceDatabase(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}
