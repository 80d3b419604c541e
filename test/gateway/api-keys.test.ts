import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminKeyPath, ApiKeyStore, ensureAdminKey } from '@strata/auth';
import { createKnex, migrateLatest } from '@strata/database';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import type { Knex } from 'knex';

let database: TestDatabase;
let knex: Knex;
let dataDir: string;

beforeAll(async () => {
  database = await createTestDatabase({ label: 'api_keys' });
  knex = createKnex(database.url, { max: 2 });
  await migrateLatest(knex);
  dataDir = await mkdtemp(path.join(tmpdir(), 'strata-keys-'));
});

afterAll(async () => {
  await knex?.destroy();
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('API keys in the control schema', () => {
  it('stores only a hash, verifies the key, and refuses it once revoked', async () => {
    const store = new ApiKeyStore(knex);
    const { id, key } = await store.create({
      name: 'airflow',
      scopes: ['write'],
      namespaces: ['vision', 'nlp'],
    });
    const row = await knex('strata.api_keys').where({ id }).first();
    expect(row.hash).not.toContain(key.split('_')[2]);
    expect(await store.verify(key)).toEqual({
      keyId: id,
      name: 'airflow',
      scopes: ['write'],
      namespaces: ['vision', 'nlp'],
    });
    // One character changed (a fixed replacement would leave a key ending in it unchanged).
    const tampered = `${key.slice(0, -1)}${key.endsWith('0') ? '1' : '0'}`;
    expect(await store.verify(tampered)).toBeUndefined();
    expect(await store.revoke(id)).toBe(true);
    expect(await store.revoke(id)).toBe(false);
    expect(await store.verify(key)).toBeUndefined();
  });

  it('refuses unknown scopes at the database too', async () => {
    await expect(
      knex('strata.api_keys').insert({
        id: 'x',
        name: 'x',
        hash: 'x',
        scopes: ['delete'],
        namespaces: ['*'],
      }),
    ).rejects.toThrow(/api_keys_scopes_known/);
  });

  it('ensureAdminKey writes a working admin key once (mode 0600) and replaces one the database refuses', async () => {
    const first = await ensureAdminKey(dataDir, knex);
    expect(first.created).toBe(true);
    expect((await readFile(adminKeyPath(dataDir), 'utf8')).trim()).toBe(first.key);
    expect((await stat(adminKeyPath(dataDir))).mode & 0o777).toBe(0o600);
    const again = await ensureAdminKey(dataDir, knex);
    expect(again).toMatchObject({ key: first.key, created: false });
    expect(await new ApiKeyStore(knex).verify(first.key)).toMatchObject({
      scopes: expect.arrayContaining(['admin']),
      namespaces: ['*'],
    });

    await writeFile(adminKeyPath(dataDir), 'stk_0000000000000000_' + '0'.repeat(64));
    const replaced = await ensureAdminKey(dataDir, knex);
    expect(replaced.created).toBe(true);
    expect(replaced.key).not.toBe(first.key);
  });
});
