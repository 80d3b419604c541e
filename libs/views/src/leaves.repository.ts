import type { Verdict } from '@strata/contracts';
import { asOfBindings, latest, visibleAsOf, type AsOf } from './as-of';
import { quotedSchema } from './schema-name';
import { epochMillis, rawWithoutJit, type Queryable } from './sql-fragments';

/** A leaf label of an item: what training uses, with its latest review so strategies can skip rejected ones. */
export interface LeafView {
  itemId: string;
  labelId: string;
  task: string;
  payload: string;
  authorKind: string;
  authorId: string;
  confidence: number | null;
  /** Latest review verdict as of the question; null when never reviewed. */
  latestVerdict: Verdict | null;
  eventTime: number;
  partition: number;
  offset: number;
}

export interface DatasetLeavesPage {
  /** Items of the page in itemId order, each with its leaves (empty: every label retracted, or none yet). */
  items: { itemId: string; leaves: LeafView[] }[];
  /** Pass as `afterItemId` for the next page; null on the last page. */
  nextAfterItemId: string | null;
}

/** Every statement of leaf questions; `s` is the quoted build schema, bindings are named. */
const statements = (s: string) => {
  // Readers see only their namespaces' items; a null list (trusted callers) means every namespace.
  const items = `${visibleAsOf('i', ':itemsTopic')}
         AND (:namespaces::text[] IS NULL OR i.namespace = ANY(:namespaces::text[]))`;
  /** Leaf keys of `:itemIds` from the incrementally maintained table (only valid for `latest`). */
  const maintainedLeafKeys = `
    SELECT l.item_id, l.label_id, l.latest_verdict FROM ${s}.label_leaves l WHERE l.item_id IN (SELECT unnest(:itemIds::text[]))`;
  /**
   * Leaf keys of `:itemIds` recomputed from the rows visible as of the bindings: a visible label
   * is shadowed when it is an ancestor of a visible non-retracted label; leaves are the
   * non-retracted labels that are not shadowed. Retractions and reviews after the cut are ignored.
   */
  const recomputedLeafKeys = `
    WITH RECURSIVE
      scope AS MATERIALIZED (SELECT unnest(:itemIds::text[]) AS item_id),
      visible_edges AS (
        SELECT e.child_id, e.parent_id FROM ${s}.label_edges e
         WHERE e.item_id IN (SELECT item_id FROM scope) AND ${visibleAsOf('e', ':itemsTopic')}),
      live AS (
        SELECT n.item_id, n.label_id FROM ${s}.label_nodes n
         WHERE n.item_id IN (SELECT item_id FROM scope) AND ${visibleAsOf('n', ':itemsTopic')}
           AND NOT EXISTS (SELECT 1 FROM ${s}.label_retractions r
                            WHERE r.label_id = n.label_id AND ${visibleAsOf('r', ':itemsTopic')})),
      shadowed (label_id) AS (
        SELECT e.parent_id FROM visible_edges e JOIN live ON live.label_id = e.child_id
        UNION
        SELECT e.parent_id FROM visible_edges e JOIN shadowed ON shadowed.label_id = e.child_id)
    SELECT live.item_id, live.label_id,
           (SELECT v.verdict FROM ${s}.label_reviews v
             WHERE v.label_id = live.label_id AND ${visibleAsOf('v', ':itemsTopic')}
             ORDER BY v.log_offset DESC LIMIT 1) AS latest_verdict
      FROM live
     WHERE NOT EXISTS (SELECT 1 FROM shadowed WHERE shadowed.label_id = live.label_id)`;
  const leafViews = (leafKeys: string) => `
    WITH leaf_keys AS (${leafKeys})
    SELECT k.item_id, k.label_id, n.task, n.payload, n.author_kind, n.author_id, n.confidence, k.latest_verdict,
           ${epochMillis('n.event_time')} AS event_time, n.log_partition, n.log_offset
      FROM leaf_keys k JOIN ${s}.label_nodes n ON n.label_id = k.label_id
     WHERE (:task::text IS NULL OR n.task = :task)
     ORDER BY k.item_id, n.log_offset`;
  return {
    maintainedLeaves: leafViews(maintainedLeafKeys),
    recomputedLeaves: leafViews(recomputedLeafKeys),
    /**
     * A keyset page of the items of `:dataset` visible as of the bindings. The keyset bound is
     * stated on both sides of the join: the planner does not carry an inequality across `=`, and
     * without it a merge join reads `items` from the first id on every page (O(n²) over an export).
     */
    datasetItemPage: `
      SELECT d.item_id FROM ${s}.item_datasets d JOIN ${s}.items i ON i.item_id = d.item_id
       WHERE d.dataset = :dataset AND d.item_id > :afterItemId AND i.item_id > :afterItemId AND ${items}
       ORDER BY d.item_id LIMIT :limit`,
    /** A keyset page of all items visible as of the bindings. */
    itemPage: `
      SELECT i.item_id FROM ${s}.items i
       WHERE i.item_id > :afterItemId AND ${items}
       ORDER BY i.item_id LIMIT :limit`,
  };
};

interface LeafRecord {
  item_id: string;
  label_id: string;
  task: string;
  payload: string;
  author_kind: string;
  author_id: string;
  confidence: number | null;
  latest_verdict: Verdict | null;
  event_time: number;
  log_partition: number;
  log_offset: string;
}

/**
 * Leaves of several items as of `asOf`, ordered by item then creation. `latest` reads the
 * maintained label_leaves table; any other point recomputes them with one recursive query.
 */
export async function leavesOfItems(
  db: Queryable,
  schemaName: string,
  itemIds: readonly string[],
  asOf: AsOf = latest,
  options: { task?: string } = {},
): Promise<LeafView[]> {
  if (itemIds.length === 0) return [];
  const sql = statements(quotedSchema(schemaName));
  const bindings = { ...asOfBindings(asOf), itemIds, task: options.task ?? null };
  const { rows } =
    asOf.kind === 'latest'
      ? await db.raw(sql.maintainedLeaves, bindings)
      : await rawWithoutJit(db, sql.recomputedLeaves, bindings);
  return (rows as LeafRecord[]).map((row) => ({
    itemId: row.item_id,
    labelId: row.label_id,
    task: row.task,
    payload: row.payload,
    authorKind: row.author_kind,
    authorId: row.author_id,
    confidence: row.confidence,
    latestVerdict: row.latest_verdict,
    eventTime: row.event_time,
    partition: row.log_partition,
    offset: Number(row.log_offset),
  }));
}

/** Leaves of one item as of `asOf` (empty for an unknown item). */
export async function itemLeaves(
  db: Queryable,
  schemaName: string,
  itemId: string,
  asOf: AsOf = latest,
): Promise<LeafView[]> {
  return leavesOfItems(db, schemaName, [itemId], asOf);
}

/**
 * One keyset page of a dataset's items with their leaves, optionally of one task: two indexed
 * queries per page whatever the dataset size, so callers can stream a dataset page by page.
 */
export async function datasetLeaves(
  db: Queryable,
  schemaName: string,
  query: {
    dataset: string;
    task?: string;
    afterItemId?: string;
    limit: number;
    namespaces?: readonly string[];
  },
  asOf: AsOf = latest,
): Promise<DatasetLeavesPage> {
  assertPageLimit(query.limit);
  const sql = statements(quotedSchema(schemaName));
  const { rows } = await db.raw(sql.datasetItemPage, {
    ...asOfBindings(asOf),
    dataset: query.dataset,
    afterItemId: query.afterItemId ?? '',
    limit: query.limit,
    namespaces: query.namespaces ?? null,
  });
  return pageWithLeaves(
    db,
    schemaName,
    (rows as { item_id: string }[]).map((row) => row.item_id),
    query.limit,
    asOf,
    query.task,
  );
}

/** One keyset page of all items visible as of `asOf`, with their leaves (used by checksums and exports). */
export async function allItemLeaves(
  db: Queryable,
  schemaName: string,
  query: { afterItemId?: string; limit: number; namespaces?: readonly string[] },
  asOf: AsOf = latest,
): Promise<DatasetLeavesPage> {
  assertPageLimit(query.limit);
  const sql = statements(quotedSchema(schemaName));
  const { rows } = await db.raw(sql.itemPage, {
    ...asOfBindings(asOf),
    afterItemId: query.afterItemId ?? '',
    limit: query.limit,
    namespaces: query.namespaces ?? null,
  });
  return pageWithLeaves(
    db,
    schemaName,
    (rows as { item_id: string }[]).map((row) => row.item_id),
    query.limit,
    asOf,
  );
}

function assertPageLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
}

async function pageWithLeaves(
  db: Queryable,
  schemaName: string,
  itemIds: string[],
  limit: number,
  asOf: AsOf,
  task?: string,
): Promise<DatasetLeavesPage> {
  const leaves = await leavesOfItems(db, schemaName, itemIds, asOf, { task });
  const byItem = new Map(itemIds.map((itemId) => [itemId, [] as LeafView[]]));
  for (const leaf of leaves) byItem.get(leaf.itemId)?.push(leaf);
  return {
    items: itemIds.map((itemId) => ({ itemId, leaves: byItem.get(itemId) ?? [] })),
    nextAfterItemId: itemIds.length === limit ? itemIds[itemIds.length - 1] : null,
  };
}
