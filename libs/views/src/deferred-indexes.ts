import type { Knex } from 'knex';
import { quotedSchema } from './schema-name';

/**
 * Indexes of a build that no statement of a rebuild's batches reads or needs to write correctly:
 * no prior-state lookup goes through them (processed_events is looked up through the event-id
 * tables meanwhile, see prior-state.repository.ts) and no write relies on them to detect a conflict.
 * Maintained row by row, each batch pays a B-tree insert per row for each (processed_events alone: a
 * random id per event); built once from the finished tables, they are a sort each.
 */
export const deferrableIndexes = [
  'processed_events_pkey',
  'item_datasets_pkey',
  'item_datasets_item_id_index',
  'label_edges_item_id_index',
  'label_reviews_item_id_index',
  'label_retractions_item_id_index',
  'run_steps_run_id_index',
  'lineage_edges_pkey',
  'lineage_edges_artifact_key_direction_index',
  'lineage_edges_first_sample_group_index',
  'lineage_edges_several_sample_groups_index',
  'artifacts_kind_artifact_id_index',
] as const;

/** What puts a build's deferred indexes back, as {@link deferIndexes} read them from the catalog. */
export interface DeferredIndexes {
  schemaName: string;
  indexes: { table: string; restore: string[] }[];
}

const statements = {
  /** A primary key is a constraint over its index; every other deferrable index is a plain one. */
  definitions: `
    SELECT i.relname AS name, t.relname AS table_name, pg_get_indexdef(i.oid) AS definition,
           c.conname IS NOT NULL AS is_primary_key
      FROM pg_index x
      JOIN pg_class i ON i.oid = x.indexrelid
      JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace n ON n.oid = i.relnamespace
      LEFT JOIN pg_constraint c ON c.conindid = i.oid AND c.contype = 'p'
     WHERE n.nspname = :schemaName AND i.relname = ANY(:names)
     ORDER BY i.relname`,
  tableSizes: `
    SELECT c.relname AS table_name, pg_relation_size(c.oid) AS bytes
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = :schemaName AND c.relname = ANY(:tables)`,
};

interface IndexDefinition {
  name: string;
  table_name: string;
  definition: string;
  is_primary_key: boolean;
}

/**
 * Drops the {@link deferrableIndexes} of a build this process just created and alone writes (a
 * rebuild), returning what puts them back. A build left without them (the process died) is never
 * complete, so never goes live: `strata builds drop` removes it.
 */
export async function deferIndexes(knex: Knex, schemaName: string): Promise<DeferredIndexes> {
  const schema = quotedSchema(schemaName);
  const { rows } = await knex.raw(statements.definitions, { schemaName, names: [...deferrableIndexes] });
  const definitions = rows as IndexDefinition[];
  if (definitions.length !== deferrableIndexes.length)
    throw new Error(`build schema ${schemaName} lacks some of the indexes a rebuild defers`);
  await knex.transaction(async (trx) => {
    for (const index of definitions)
      await trx.raw(
        index.is_primary_key
          ? `ALTER TABLE ${schema}.${index.table_name} DROP CONSTRAINT ${index.name}`
          : `DROP INDEX ${schema}.${index.name}`,
      );
  });
  return {
    schemaName,
    indexes: definitions.map((index) => ({
      table: index.table_name,
      // A key's index is built like any other (a SHARE lock: other indexes of its table are built
      // meanwhile), then made the key, which takes a moment.
      restore: index.is_primary_key
        ? [
            index.definition,
            `ALTER TABLE ${schema}.${index.table_name} ADD CONSTRAINT ${index.name} PRIMARY KEY USING INDEX ${index.name}`,
          ]
        : [index.definition],
    })),
  };
}

/**
 * Builds the deferred indexes again before the build is marked complete, `concurrency` at a time
 * (PostgreSQL builds one index on one core), those of the largest tables first so that the last
 * to finish is a small one.
 */
export async function restoreIndexes(knex: Knex, deferred: DeferredIndexes, concurrency = 2): Promise<void> {
  const { rows } = await knex.raw(statements.tableSizes, {
    schemaName: deferred.schemaName,
    tables: deferred.indexes.map((index) => index.table),
  });
  const bytes = new Map(
    (rows as { table_name: string; bytes: string }[]).map((row) => [row.table_name, Number(row.bytes)]),
  );
  const queue = [...deferred.indexes].sort((a, b) => bytes.get(b.table)! - bytes.get(a.table)!);
  const worker = async () => {
    for (let index = queue.shift(); index !== undefined; index = queue.shift()) {
      const { restore } = index;
      await knex.transaction(async (trx) => {
        // The largest (processed_events, an id per event) sorts in memory.
        await trx.raw(`SET LOCAL maintenance_work_mem = '256MB'`);
        for (const statement of restore) await trx.raw(statement);
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
