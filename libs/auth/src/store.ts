import type { Knex } from 'knex';
import {
  generateApiKey,
  hashSecret,
  parseApiKey,
  secretMatches,
  type ApiKeyScope,
  type Principal,
} from './keys';

interface ApiKeyRow {
  id: string;
  name: string;
  hash: string;
  scopes: ApiKeyScope[];
  namespaces: string[];
  created_at: Date;
  revoked_at: Date | null;
}

export interface ApiKeySummary extends Principal {
  createdAt: Date;
  revokedAt: Date | null;
}

/** Producer API keys in `strata.api_keys` (migration 0002_api_keys). */
export class ApiKeyStore {
  constructor(private readonly knex: Knex) {}

  /** Creates a key and returns it in full; this is the only time the secret is known. */
  async create(input: { name: string; scopes: ApiKeyScope[]; namespaces: string[] }): Promise<{
    id: string;
    key: string;
  }> {
    if (!input.name.trim()) throw new Error('name: a key needs a non-empty name');
    const { id, secret, key } = generateApiKey();
    await this.table().insert({
      id,
      name: input.name.trim(),
      hash: hashSecret(secret),
      scopes: input.scopes,
      namespaces: input.namespaces,
    });
    return { id, key };
  }

  /** Marks a key revoked; returns false when no active key has that id. */
  async revoke(id: string): Promise<boolean> {
    const updated = await this.table()
      .where({ id })
      .whereNull('revoked_at')
      .update({ revoked_at: this.knex.fn.now() });
    return updated > 0;
  }

  async list(): Promise<ApiKeySummary[]> {
    const rows: ApiKeyRow[] = await this.table().select('*').orderBy('created_at');
    return rows.map((row) => ({ ...principalOf(row), createdAt: row.created_at, revokedAt: row.revoked_at }));
  }

  /** The principal of a presented key, or undefined when it is malformed, unknown, wrong or revoked. */
  async verify(key: string): Promise<Principal | undefined> {
    const parsed = parseApiKey(key);
    if (!parsed) return undefined;
    const row: ApiKeyRow | undefined = await this.table().where({ id: parsed.id }).first();
    if (!row || row.revoked_at !== null || !secretMatches(parsed.secret, row.hash)) return undefined;
    return principalOf(row);
  }

  private table() {
    return this.knex.withSchema('strata').table<ApiKeyRow>('api_keys');
  }
}

function principalOf(row: ApiKeyRow): Principal {
  return { keyId: row.id, name: row.name, scopes: row.scopes, namespaces: row.namespaces };
}
