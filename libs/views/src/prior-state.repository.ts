import type { Knex } from 'knex';
import {
  priorStateLookups,
  type BatchFootprint,
  type PriorLabel,
  type PriorStateData,
  type StoredIdFilter,
} from '@strata/projection';
import type { Verdict } from '@strata/contracts';
import { quotedSchema } from './schema-name';
import { eventIdTables } from './migrations/0001_views';

/**
 * Every statement that loads a batch's prior state; `s` is the quoted build schema. One query per
 * kind of id. Ids are matched as `IN (SELECT unnest(array))`, a semi-join the planner can hash or
 * drive through the index, never `= ANY(array)`: on a table whose statistics still say "small"
 * (a rebuild grows tables faster than autovacuum analyzes them) that becomes a sequential scan
 * comparing every row with every id of the batch.
 */
const statements = (s: string) => ({
  /** Of the batch's eventIds, those already applied or dead-lettered: one index probe each. */
  processedEventIds: `SELECT event_id FROM ${s}.processed_events WHERE event_id IN (SELECT unnest(:ids::text[]))`,
  /**
   * The same answer from the event-id tables, one branch each: for a rebuild, whose processed_events
   * has no key to probe until the build is complete (deferred-indexes.ts). Nine probes an id, so only
   * for the few ids the rebuild's StoredIdFilter cannot rule out.
   */
  storedEventIds: eventIdTables
    .map((table) => `SELECT event_id FROM ${s}.${table} WHERE event_id IN (SELECT unnest(:ids::text[]))`)
    .join('\nUNION ALL\n'),
  registeredItems: `SELECT item_id, namespace FROM ${s}.items WHERE item_id IN (SELECT unnest(:ids::text[]))`,
  /**
   * All labels of the batch's items in creation order (an item's events share one partition, so
   * offset order is log order), plus named labels of other items, with what leaves depend on.
   * A UNION of the two id sets rather than an OR, which the planner tends to turn into a scan.
   */
  labels: `
    SELECT n.label_id, n.item_id, n.task,
           ARRAY(SELECT e.parent_id FROM ${s}.label_edges e WHERE e.child_id = n.label_id) AS parents,
           EXISTS (SELECT 1 FROM ${s}.label_retractions r WHERE r.label_id = n.label_id) AS retracted,
           (SELECT v.verdict FROM ${s}.label_reviews v WHERE v.label_id = n.label_id
             ORDER BY v.log_offset DESC LIMIT 1) AS latest_verdict
      FROM ${s}.label_nodes n
     WHERE n.label_id IN (SELECT label_id FROM ${s}.label_nodes WHERE item_id IN (SELECT unnest(:itemIds::text[]))
                          UNION
                          SELECT unnest(:labelIds::text[]))
     ORDER BY n.log_partition, n.log_offset`,
  runs: `
    SELECT r.run_id, EXISTS (SELECT 1 FROM ${s}.run_completions c WHERE c.run_id = r.run_id) AS completed
      FROM ${s}.runs r WHERE r.run_id IN (SELECT unnest(:ids::text[]))`,
  stepIds: `SELECT step_id FROM ${s}.run_steps WHERE step_id IN (SELECT unnest(:ids::text[]))`,
  snapshotIds: `SELECT snapshot_id FROM ${s}.snapshots WHERE snapshot_id IN (SELECT unnest(:ids::text[]))`,
});

interface LabelRecord {
  label_id: string;
  item_id: string;
  task: string;
  parents: string[];
  retracted: boolean;
  latest_verdict: Verdict | null;
}

/**
 * Loads what a batch with this footprint needs from the stored views, set-based: at most six
 * queries per batch whatever its size, none when the footprint has no ids of that kind. Memory is
 * bounded by the batch: only the touched items' label DAGs are read. With the build's
 * {@link StoredIdFilter}, ids it proves absent are not looked up (a rebuild's new events, items,
 * labels…).
 */
export async function loadPriorState(
  trx: Knex.Transaction,
  schemaName: string,
  footprint: BatchFootprint,
  stored?: StoredIdFilter,
): Promise<PriorStateData> {
  const lookups = priorStateLookups(footprint, stored);
  const sql = statements(quotedSchema(schemaName));
  // These index lookups are cheap, but with correlated subplans their estimated cost is high enough
  // to trigger JIT compilation, which then costs more than a second per batch.
  // A batch's ids are a few thousand keys into tables of millions of rows: index probes. Without
  // fresh statistics (a rebuild outruns autovacuum) the planner guesses ~200 rows per unnested id
  // and hash-joins against a sequential scan of the whole table, so each batch got slower as the
  // build grew (label lookups 4× slower between 100k and 400k events, the leaf DELETE likewise).
  // For the rest of the batch's transaction only.
  await trx.raw('SET LOCAL jit = off; SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off');
  const column = async <T>(query: string, ids: string[], name: string): Promise<T[]> =>
    ids.length === 0
      ? []
      : ((await trx.raw(query, { ids })).rows as Record<string, T>[]).map((row) => row[name]);

  // A rebuild (the filter's only user) defers processed_events' key to its completion.
  const processedEventIdsQuery = stored ? sql.storedEventIds : sql.processedEventIds;
  const processedEventIds = await column<string>(processedEventIdsQuery, lookups.eventIds, 'event_id');
  const registeredItems: { item_id: string; namespace: string }[] =
    lookups.registeredItemIds.length === 0
      ? []
      : (await trx.raw(sql.registeredItems, { ids: lookups.registeredItemIds })).rows;
  const labelRecords: LabelRecord[] =
    lookups.labelledItemIds.length + lookups.labelIds.length === 0
      ? []
      : (await trx.raw(sql.labels, { itemIds: lookups.labelledItemIds, labelIds: lookups.labelIds })).rows;
  const runs: { run_id: string; completed: boolean }[] =
    lookups.runIds.length === 0 ? [] : (await trx.raw(sql.runs, { ids: lookups.runIds })).rows;
  const stepIds = await column<string>(sql.stepIds, lookups.stepIds, 'step_id');
  const snapshotIds = await column<string>(sql.snapshotIds, lookups.snapshotIds, 'snapshot_id');

  return {
    processedEventIds,
    registeredItems: registeredItems.map((row) => ({ itemId: row.item_id, namespace: row.namespace })),
    labels: labelRecords.map((record): PriorLabel => ({
      labelId: record.label_id,
      itemId: record.item_id,
      task: record.task,
      parents: record.parents,
      retracted: record.retracted,
      latestVerdict: record.latest_verdict,
    })),
    runs: runs.map((run) => ({ runId: run.run_id, completed: run.completed })),
    stepIds,
    snapshotIds,
  };
}
