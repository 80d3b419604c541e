import type { Knex } from 'knex';
import type { Migration } from '@strata/database';

/** Ids are opaque: byte-order ("C") collation makes their order, and so keyset pages and checksums, the same on every server. */
const id = 'text COLLATE "C"';

/**
 * Columns of a row made directly by one event: its identity (the idempotency key), its envelope and
 * the log position that makes "as of offset vector V" answerable without a rebuild.
 */
function eventOriginColumns(table: Knex.CreateTableBuilder): void {
  table.specificType('event_id', id).notNullable().unique();
  table.timestamp('event_time', { useTz: true }).notNullable();
  table.integer('log_partition').notNullable();
  table.bigInteger('log_offset').notNullable();
  table.text('namespace').notNullable();
  table.text('producer_name').notNullable();
  table.text('producer_version').notNullable();
  table.text('actor_kind').notNullable();
  table.text('actor_id').notNullable();
}

/** Edges copy the position of the event that made them, so as-of filters need no join. */
function positionColumns(table: Knex.CreateTableBuilder): void {
  table.timestamp('event_time', { useTz: true }).notNullable();
  table.integer('log_partition').notNullable();
  table.bigInteger('log_offset').notNullable();
}

/** The tables this migration creates, in creation order. */
export const viewTables = [
  'items',
  'item_datasets',
  'label_nodes',
  'label_edges',
  'label_reviews',
  'label_retractions',
  'label_leaves',
  'runs',
  'run_completions',
  'run_steps',
  'artifacts',
  'lineage_edges',
  'snapshots',
  'checkpoints',
  'dead_letters',
] as const;

/**
 * The tables whose rows are each made by one event and carry its `event_id` (unique in each): an
 * event applied made one row in one of them, an event dead-lettered one in dead_letters.
 */
export const eventIdTables = [
  'items',
  'label_nodes',
  'label_reviews',
  'label_retractions',
  'runs',
  'run_completions',
  'run_steps',
  'snapshots',
  'dead_letters',
] as const;

/** All tables of one projection build, created inside the build's own schema. */
export function viewsMigration(schemaName: string): Migration {
  return {
    name: '0001_views',
    async up(knex: Knex) {
      // A schema builder accumulates statements, so each table gets a fresh one.
      const schema = () => knex.schema.withSchema(schemaName);
      await schema().createTable('items', (table) => {
        table.specificType('item_id', id).primary();
        table.text('uri').notNullable();
        table.text('content_hash').notNullable();
        table.text('media_type').notNullable();
        table.text('source');
        table.text('license');
        table.jsonb('attributes').notNullable();
        eventOriginColumns(table);
      });
      await schema().createTable('item_datasets', (table) => {
        table.specificType('dataset', id).notNullable();
        table.specificType('item_id', id).notNullable();
        table.primary(['dataset', 'item_id']);
        table.index(['item_id']);
      });
      await schema().createTable('label_nodes', (table) => {
        table.specificType('label_id', id).primary();
        table.specificType('item_id', id).notNullable();
        table.text('task').notNullable();
        table.text('payload').notNullable();
        table.text('author_kind').notNullable();
        table.text('author_id').notNullable();
        table.text('tool');
        table.double('confidence');
        table.text('guideline_version');
        table.text('correction_reason');
        eventOriginColumns(table);
        table.index(['item_id', 'log_offset']);
      });
      await schema().createTable('label_edges', (table) => {
        table.specificType('child_id', id).notNullable();
        table.specificType('parent_id', id).notNullable();
        table.specificType('item_id', id).notNullable();
        positionColumns(table);
        table.primary(['child_id', 'parent_id']);
        table.index(['item_id']);
      });
      await schema().createTable('label_reviews', (table) => {
        table.specificType('label_id', id).notNullable();
        table.specificType('item_id', id).notNullable();
        table.text('verdict').notNullable();
        table.text('reviewer_kind').notNullable();
        table.text('reviewer_id').notNullable();
        table.text('comment');
        eventOriginColumns(table);
        table.index(['label_id', 'log_offset']);
        table.index(['item_id']);
      });
      await schema().createTable('label_retractions', (table) => {
        table.specificType('label_id', id).primary();
        table.specificType('item_id', id).notNullable();
        table.text('reason');
        eventOriginColumns(table);
        table.index(['item_id']);
      });
      await schema().createTable('label_leaves', (table) => {
        table.specificType('item_id', id).notNullable();
        table.specificType('label_id', id).notNullable();
        table.text('task').notNullable();
        table.text('latest_verdict');
        table.primary(['item_id', 'label_id']);
      });
      await schema().createTable('runs', (table) => {
        table.specificType('run_id', id).primary();
        table.text('job_namespace').notNullable();
        table.text('job_name').notNullable();
        table.specificType('parent_run_id', id);
        table.text('code_version');
        table.text('parameters').notNullable();
        eventOriginColumns(table);
      });
      await schema().createTable('run_completions', (table) => {
        table.specificType('run_id', id).primary();
        table.text('status').notNullable();
        table.jsonb('metrics').notNullable();
        table.text('error');
        eventOriginColumns(table);
      });
      await schema().createTable('run_steps', (table) => {
        table.specificType('step_id', id).primary();
        table.specificType('run_id', id).notNullable();
        table.text('operation_name').notNullable();
        table.text('operation_version').notNullable();
        table.text('parameters').notNullable();
        table.bigInteger('input_records');
        table.bigInteger('output_records');
        table.jsonb('metrics').notNullable();
        table.timestamp('started_at', { useTz: true }).notNullable();
        table.timestamp('ended_at', { useTz: true }).notNullable();
        eventOriginColumns(table);
        table.index(['run_id']);
      });
      await schema().createTable('artifacts', (table) => {
        table.specificType('artifact_key', id).primary();
        table.text('kind').notNullable();
        table.text('artifact_id').notNullable();
        table.text('version');
      });
      await schema().createTable('lineage_edges', (table) => {
        table.specificType('step_id', id).notNullable();
        table.text('direction').notNullable();
        table.specificType('artifact_key', id).notNullable();
        table.specificType('run_id', id).notNullable();
        table.integer('ordinal').notNullable();
        positionColumns(table);
        table.primary(['step_id', 'direction', 'artifact_key']);
        table.index(['artifact_key', 'direction']);
      });
      await schema().createTable('snapshots', (table) => {
        table.specificType('snapshot_id', id).primary();
        table.text('name').notNullable();
        table.text('dataset');
        table.text('task');
        table.text('strategy').notNullable();
        table.jsonb('offsets').notNullable();
        table.timestamp('as_of_time', { useTz: true });
        table.text('manifest_sha256').notNullable();
        table.bigInteger('item_count').notNullable();
        table.bigInteger('label_count').notNullable();
        eventOriginColumns(table);
      });
      await schema().createTable('checkpoints', (table) => {
        table.text('projection').notNullable();
        table.text('topic').notNullable();
        table.integer('partition').notNullable();
        table.bigInteger('next_offset').notNullable();
        table.primary(['projection', 'topic', 'partition']);
      });
      await schema().createTable('dead_letters', (table) => {
        table.specificType('topic', id).notNullable();
        table.integer('log_partition').notNullable();
        table.bigInteger('log_offset').notNullable();
        table.timestamp('record_time', { useTz: true }).notNullable();
        table.specificType('event_id', id).unique();
        table.text('event_type');
        table.text('reason').notNullable();
        table.text('detail').notNullable();
        table.binary('raw');
        table.primary(['topic', 'log_partition', 'log_offset']);
      });
    },
    async down(knex: Knex) {
      for (const table of [...viewTables].reverse())
        await knex.schema.withSchema(schemaName).dropTable(table);
    },
  };
}
