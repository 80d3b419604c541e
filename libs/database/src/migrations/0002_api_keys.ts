import type { Knex } from 'knex';
import type { Migration } from '../migrator';

/**
 * Producer API keys. Only a hash of each key's secret is stored: the secret itself is shown once,
 * when the key is created. `namespaces` holds the tenants a key may write to, '*' meaning all.
 */
export const apiKeys: Migration = {
  name: '0002_api_keys',
  async up(knex: Knex) {
    await knex.schema.withSchema('strata').createTable('api_keys', (table) => {
      table.text('id').primary();
      table.text('name').notNullable();
      table.text('hash').notNullable();
      table.specificType('scopes', 'text[]').notNullable();
      table.specificType('namespaces', 'text[]').notNullable();
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp('revoked_at', { useTz: true });
    });
    await knex.raw(
      `ALTER TABLE strata.api_keys ADD CONSTRAINT api_keys_scopes_known
         CHECK (scopes <@ ARRAY['read', 'write', 'admin']::text[] AND cardinality(scopes) > 0)`,
    );
  },
  async down(knex: Knex) {
    await knex.schema.withSchema('strata').dropTable('api_keys');
  },
};
