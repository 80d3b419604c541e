import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import { allNamespaces } from './keys';
import { ApiKeyStore } from './store';

export const adminKeyFileName = 'admin.key';

export function adminKeyPath(dataDir: string): string {
  return path.join(dataDir, adminKeyFileName);
}

/** Reads `<dataDir>/admin.key`, or undefined when there is none. */
export async function readAdminKey(dataDir: string): Promise<string | undefined> {
  try {
    return (await readFile(adminKeyPath(dataDir), 'utf8')).trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Makes sure a working local admin key exists in `<dataDir>/admin.key` (mode 0600). A key file whose
 * key the database no longer accepts (a fresh database, a revoked key) is replaced, so `strata up`
 * always leaves a usable key behind.
 */
export async function ensureAdminKey(
  dataDir: string,
  knex: Knex,
): Promise<{ key: string; created: boolean; path: string }> {
  const store = new ApiKeyStore(knex);
  const file = adminKeyPath(dataDir);
  const existing = await readAdminKey(dataDir);
  if (existing && (await store.verify(existing))) return { key: existing, created: false, path: file };
  const { key } = await store.create({
    name: 'local-admin',
    scopes: ['admin', 'read', 'write'],
    namespaces: [allNamespaces],
  });
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return { key, created: true, path: file };
}
