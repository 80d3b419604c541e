import type { Logger } from 'pino';
import knex, { type Knex } from 'knex';
import { Client } from 'pg';

export interface KnexOptions {
  min?: number;
  max?: number;
  /** Where knex's own warnings go (a connection the pool dropped, a deprecation); else the console. */
  logger?: Logger;
}

export function createKnex(databaseUrl: string, options: KnexOptions = {}): Knex {
  return knex({
    client: 'pg',
    connection: databaseUrl,
    pool: { min: options.min ?? 0, max: options.max ?? 10 },
    ...(options.logger && { log: knexLog(options.logger.child({ component: 'knex' })) }),
  });
}

/** knex's logger interface, onto structured logs: its messages are single strings. */
function knexLog(logger: Logger): Knex.Config['log'] {
  return {
    warn: (message: string) => logger.warn(message),
    error: (message: string) => logger.error(message),
    deprecate: (method: string, alternative: string) =>
      logger.warn({ method, alternative }, `${method} is deprecated, use ${alternative}`),
    debug: (message: string) => logger.debug(message),
  };
}

/** Creates the database named in the URL when it does not exist yet (connecting to `postgres`). */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const target = new URL(databaseUrl);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    } catch (error) {
      // Another process created it between our check and our CREATE.
      if ((error as { code?: string }).code !== '42P04') throw error;
      return false;
    }
    return true;
  } finally {
    await client.end();
  }
}
