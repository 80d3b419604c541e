import type { Knex } from 'knex';
import type { Migration } from '@strata/database';
import { quotedSchema } from '../schema-name';
import { eventIdTables } from './0001_views';

/**
 * `processed_events`: the eventId of every event a build applied or dead-lettered, written with
 * the batch's rows. The idempotency check of a batch is then one index probe per event instead of
 * one in each of the nine event-id tables. Builds made before it are backfilled from those tables.
 */
export function processedEventsMigration(schemaName: string): Migration {
  return {
    name: '0002_processed_events',
    async up(knex: Knex) {
      await knex.schema.withSchema(schemaName).createTable('processed_events', (table) => {
        table.specificType('event_id', 'text COLLATE "C"').primary();
      });
      const schema = quotedSchema(schemaName);
      await knex.raw(
        `INSERT INTO ${schema}.processed_events (event_id) ` +
          eventIdTables
            .map((table) => `SELECT event_id FROM ${schema}.${table} WHERE event_id IS NOT NULL`)
            .join(' UNION '),
      );
    },
    async down(knex: Knex) {
      await knex.schema.withSchema(schemaName).dropTable('processed_events');
    },
  };
}
