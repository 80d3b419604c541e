import type { Knex } from 'knex';
import type { Migration } from '../migrator';

/** The registry of projection builds (one PostgreSQL schema each) and the pointer to the live one. */
export const builds: Migration = {
  name: '0001_builds',
  async up(knex: Knex) {
    await knex.schema.withSchema('strata').createTable('builds', (table) => {
      table.text('name').primary();
      table.text('schema_name').notNullable().unique();
      table.text('target').notNullable().defaultTo('live');
      table.text('status').notNullable().defaultTo('building');
      table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      table.timestamp('completed_at', { useTz: true });
    });
    await knex.schema.withSchema('strata').createTable('live_build', (table) => {
      table.boolean('singleton').primary().defaultTo(true);
      table.text('build_name').notNullable().references('name').inTable('strata.builds');
      table.timestamp('switched_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    });
    await knex.raw('ALTER TABLE strata.live_build ADD CONSTRAINT live_build_singleton CHECK (singleton)');
  },
  async down(knex: Knex) {
    await knex.schema.withSchema('strata').dropTable('live_build');
    await knex.schema.withSchema('strata').dropTable('builds');
  },
};
