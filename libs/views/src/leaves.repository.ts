import type { Knex } from 'knex';
import type { Verdict } from '@strata/contracts';
import { asOfBindings, latest, visibleAsOf, type AsOf } from './as-of';
import { quotedSchema } from './schema-name';
import { epochMillis, rawForRecursiveQuery, type Queryable } from './sql-fragments';

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
  /** The items a question is about, as `scope(item_id)`: named ids, or one keyset page. */
  const scopes = {
    itemIds: `SELECT DISTINCT unnest(:itemIds::text[]) COLLATE "C" AS item_id`,
    /**
     * A keyset page of the items of `:dataset` visible as of the bindings. The keyset bound is
     * stated on both sides of the join: the planner does not carry an inequality across `=`, and
     * without it a merge join reads `items` from the first id on every page (O(n²) over an export).
     */
    datasetPage: `
      SELECT d.item_id FROM ${s}.item_datasets d JOIN ${s}.items i ON i.item_id = d.item_id
       WHERE d.dataset = :dataset AND d.item_id > :afterItemId AND i.item_id > :afterItemId AND ${items}
       ORDER BY d.item_id LIMIT :limit`,
    /** A keyset page of all items visible as of the bindings. */
    allItemsPage: `
      SELECT i.item_id FROM ${s}.items i
       WHERE i.item_id > :afterItemId AND ${items}
       ORDER BY i.item_id LIMIT :limit`,
  };
  /** Leaf keys of the scope's items from the incrementally maintained table (only valid for `latest`). */
  const maintainedLeafKeys = `
      leaf_keys AS (
        SELECT l.item_id, l.label_id, l.latest_verdict FROM ${s}.label_leaves l
         WHERE l.item_id IN (SELECT item_id FROM scope))`;
  /**
   * Leaf keys of the scope's items recomputed from the rows visible as of the bindings: a visible
   * label is shadowed when it is an ancestor of a visible non-retracted label; leaves are the
   * non-retracted labels that are not shadowed. Retractions and reviews after the cut are ignored.
   */
  const recomputedLeafKeys = `
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
        SELECT e.parent_id FROM visible_edges e JOIN shadowed ON shadowed.label_id = e.child_id),
      leaf_keys AS (
        SELECT live.item_id, live.label_id,
               (SELECT v.verdict FROM ${s}.label_reviews v
                 WHERE v.label_id = live.label_id AND ${visibleAsOf('v', ':itemsTopic')}
                 ORDER BY v.log_offset DESC LIMIT 1) AS latest_verdict
          FROM live
         WHERE NOT EXISTS (SELECT 1 FROM shadowed WHERE shadowed.label_id = live.label_id))`;
  /**
   * One statement (one snapshot) per question: every item of the scope, in id order, with its
   * leaves in creation order; an item without leaves is one row of nulls, so pages list it.
   */
  const leafViews = (scope: string, leafKeys: string) => `
    WITH RECURSIVE
      scope AS MATERIALIZED (${scope}),
      ${leafKeys}
    SELECT scope.item_id, k.label_id, n.task, n.payload, n.author_kind, n.author_id, n.confidence, k.latest_verdict,
           ${epochMillis('n.event_time')} AS event_time, n.log_partition, n.log_offset
      FROM scope
      LEFT JOIN (leaf_keys k JOIN ${s}.label_nodes n
                   ON n.label_id = k.label_id AND (:task::text IS NULL OR n.task = :task))
        ON k.item_id = scope.item_id
     ORDER BY scope.item_id, n.log_offset`;
  const question = (scope: string) => ({
    maintained: leafViews(scope, maintainedLeafKeys),
    recomputed: leafViews(scope, recomputedLeafKeys),
  });
  return {
    itemIds: question(scopes.itemIds),
    datasetPage: question(scopes.datasetPage),
    allItemsPage: question(scopes.allItemsPage),
  };
};

type Question = keyof ReturnType<typeof statements>;

interface LeafRecord {
  item_id: string;
  /** Null (with every other column but item_id) for an item of the scope without leaves. */
  label_id: string | null;
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
 * Runs one leaf question as of `asOf`: `latest` reads the maintained label_leaves table, any other
 * point recomputes the leaves with one recursive query (see {@link rawForRecursiveQuery}).
 */
async function leafRecords(
  db: Queryable,
  schemaName: string,
  question: Question,
  asOf: AsOf,
  bindings: Record<string, unknown>,
): Promise<LeafRecord[]> {
  const sql = statements(quotedSchema(schemaName))[question];
  const all = { ...asOfBindings(asOf), itemIds: null, task: null, namespaces: null, ...bindings };
  const { rows } =
    asOf.kind === 'latest'
      ? await db.raw(sql.maintained, all)
      : await rawForRecursiveQuery(db, sql.recomputed, all);
  return rows as LeafRecord[];
}

function leafViewOf(row: LeafRecord & { label_id: string }): LeafView {
  return {
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
  };
}

const hasLeaf = (row: LeafRecord): row is LeafRecord & { label_id: string } => row.label_id !== null;

/** Leaves of several items as of `asOf`, ordered by item then creation, in one statement. */
export async function leavesOfItems(
  db: Queryable,
  schemaName: string,
  itemIds: readonly string[],
  asOf: AsOf = latest,
  options: { task?: string } = {},
): Promise<LeafView[]> {
  if (itemIds.length === 0) return [];
  const records = await leafRecords(db, schemaName, 'itemIds', asOf, { itemIds, task: options.task ?? null });
  return records.filter(hasLeaf).map(leafViewOf);
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
 * One keyset page of a dataset's items with their leaves, optionally of one task: one indexed
 * statement per page whatever the dataset size, so callers can stream a dataset page by page.
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
  const records = await leafRecords(db, schemaName, 'datasetPage', asOf, {
    dataset: query.dataset,
    task: query.task ?? null,
    afterItemId: query.afterItemId ?? '',
    limit: query.limit,
    namespaces: query.namespaces ?? null,
  });
  return pageOf(records, query.limit);
}

/** One keyset page of all items visible as of `asOf`, with their leaves (used by checksums and exports). */
export async function allItemLeaves(
  db: Queryable,
  schemaName: string,
  query: { afterItemId?: string; limit: number; namespaces?: readonly string[] },
  asOf: AsOf = latest,
): Promise<DatasetLeavesPage> {
  assertPageLimit(query.limit);
  const records = await leafRecords(db, schemaName, 'allItemsPage', asOf, {
    afterItemId: query.afterItemId ?? '',
    limit: query.limit,
    namespaces: query.namespaces ?? null,
  });
  return pageOf(records, query.limit);
}

function assertPageLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
}

/** Groups a page's rows (ordered by item) by item; a full page has a next one, maybe empty. */
function pageOf(records: readonly LeafRecord[], limit: number): DatasetLeavesPage {
  const items: DatasetLeavesPage['items'] = [];
  for (const record of records) {
    if (items[items.length - 1]?.itemId !== record.item_id)
      items.push({ itemId: record.item_id, leaves: [] });
    if (hasLeaf(record)) items[items.length - 1].leaves.push(leafViewOf(record));
  }
  return {
    items,
    nextAfterItemId: items.length === limit ? items[items.length - 1].itemId : null,
  };
}

/**
 * Every item of a dataset (or every item) visible as of `asOf`, in id order, each with its leaves
 * (`[]` when none), optionally of one task, from one snapshot: a read-only repeatable-read
 * transaction of its own, holding a pooled connection until the generator finishes or is returned
 * early (consume it promptly). At `latest` it is one statement read through a server-side cursor,
 * `chunkSize` rows per round trip, planned as one join over the dataset with no index probe per
 * item as pages need (50k items: ~140k rows/s including JSON, pages ~115k without). At other
 * points the recursive leaf query over a whole dataset in one statement was ~10× slower than
 * pages, so it reads keyset pages of `chunkSize` items.
 * Memory holds one chunk either way.
 */
export async function* streamItemLeaves(
  knex: Knex,
  schemaName: string,
  selection: { dataset?: string; task?: string; namespaces?: readonly string[] },
  asOf: AsOf = latest,
  chunkSize = 2000,
): AsyncGenerator<{ itemId: string; leaves: LeafView[] }> {
  assertPageLimit(chunkSize);
  const trx = await knex.transaction({ readOnly: true, isolationLevel: 'repeatable read' });
  try {
    yield* asOf.kind === 'latest'
      ? latestThroughCursor(trx, schemaName, selection, chunkSize)
      : pagesAsOf(trx, schemaName, selection, asOf, chunkSize);
  } finally {
    // Read-only: committing only ends it (an aborted transaction's COMMIT is a rollback).
    await trx.commit();
  }
}

async function* latestThroughCursor(
  trx: Knex.Transaction,
  schemaName: string,
  selection: { dataset?: string; task?: string; namespaces?: readonly string[] },
  fetchRows: number,
): AsyncGenerator<{ itemId: string; leaves: LeafView[] }> {
  const question = statements(quotedSchema(schemaName))[
    selection.dataset === undefined ? 'allItemsPage' : 'datasetPage'
  ];
  await trx.raw(`DECLARE item_leaves NO SCROLL CURSOR FOR ${question.maintained}`, {
    ...asOfBindings(latest),
    itemIds: null,
    dataset: selection.dataset ?? null,
    task: selection.task ?? null,
    namespaces: selection.namespaces ?? null,
    afterItemId: '',
    limit: null, // LIMIT NULL: the page query over every item
  });
  let current: { itemId: string; leaves: LeafView[] } | undefined;
  for (;;) {
    const { rows } = (await trx.raw(`FETCH ${fetchRows} FROM item_leaves`)) as { rows: LeafRecord[] };
    for (const record of rows) {
      if (current?.itemId !== record.item_id) {
        if (current) yield current;
        current = { itemId: record.item_id, leaves: [] };
      }
      if (hasLeaf(record)) current.leaves.push(leafViewOf(record));
    }
    if (rows.length < fetchRows) break;
  }
  if (current) yield current;
}

async function* pagesAsOf(
  trx: Knex.Transaction,
  schemaName: string,
  selection: { dataset?: string; task?: string; namespaces?: readonly string[] },
  asOf: AsOf,
  limit: number,
): AsyncGenerator<{ itemId: string; leaves: LeafView[] }> {
  for (let afterItemId: string | undefined; ;) {
    const page =
      selection.dataset === undefined
        ? await allItemLeaves(trx, schemaName, { afterItemId, limit, namespaces: selection.namespaces }, asOf)
        : await datasetLeaves(
            trx,
            schemaName,
            { ...selection, dataset: selection.dataset, afterItemId, limit },
            asOf,
          );
    yield* page.items;
    if (page.nextAfterItemId === null) return;
    afterItemId = page.nextAfterItemId;
  }
}
