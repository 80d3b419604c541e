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

/** The columns of an item an export line carries beside its leaves. */
export interface ItemWithLeaves {
  item: { itemId: string; uri: string; contentHash: string };
  leaves: LeafView[];
}

export interface DatasetLeavesPage {
  /** Items of the page in itemId order, each with its leaves (empty: every label retracted, or none yet). */
  items: { itemId: string; leaves: LeafView[] }[];
  /** Pass as `afterItemId` for the next page; null on the last page. */
  nextAfterItemId: string | null;
}

/**
 * The items a question is about, as `scope(item_id, uri, content_hash)`: named ids (known or not,
 * without their columns), the named ids of visible items, or one keyset page of visible items.
 */
const scopesOf = (s: string) => {
  // Readers see only their namespaces' items; a null list (trusted callers) means every namespace.
  const items = `${visibleAsOf('i', ':itemsTopic')}
         AND (:namespaces::text[] IS NULL OR i.namespace = ANY(:namespaces::text[]))`;
  return {
    itemIds: `SELECT DISTINCT unnest(:itemIds::text[]) COLLATE "C" AS item_id, NULL::text AS uri, NULL::text AS content_hash`,
    /** So a reader's "is it visible?" and "its leaves" are one statement, one round trip. */
    visibleItemIds: `
      SELECT i.item_id, i.uri, i.content_hash FROM ${s}.items i
       WHERE i.item_id IN (SELECT unnest(:itemIds::text[])) AND ${items}`,
    /**
     * A keyset page of the items of `:dataset` visible as of the bindings. The keyset bound is
     * stated on both sides of the join: the planner does not carry an inequality across `=`, and
     * without it a merge join reads `items` from the first id on every page (O(n²) over an export).
     */
    datasetPage: `
      SELECT d.item_id, i.uri, i.content_hash FROM ${s}.item_datasets d JOIN ${s}.items i ON i.item_id = d.item_id
       WHERE d.dataset = :dataset AND d.item_id > :afterItemId AND i.item_id > :afterItemId AND ${items}
       ORDER BY d.item_id LIMIT :limit`,
    /** A keyset page of all items visible as of the bindings. */
    allItemsPage: `
      SELECT i.item_id, i.uri, i.content_hash FROM ${s}.items i
       WHERE i.item_id > :afterItemId AND ${items}
       ORDER BY i.item_id LIMIT :limit`,
  };
};

/** Every statement of leaf questions; `s` is the quoted build schema, bindings are named. */
const statements = (s: string) => {
  const scopes = scopesOf(s);
  /** Leaf keys of the scope's items from the incrementally maintained table (only valid for `latest`). */
  const maintainedLeafKeys = `
      leaf_keys AS (
        SELECT l.item_id, l.label_id, l.latest_verdict FROM ${s}.label_leaves l
         WHERE l.item_id IN (SELECT item_id FROM scope))`;
  /**
   * Every maintained leaf key, for a cursor over a whole scope: the join on item_id restricts it.
   * Restricting it to `IN (scope)` as well let a planner without statistics (a fresh build, not yet
   * analyzed) re-read the scope once per item — O(n²), minutes for 20k items instead of 0.4 s.
   */
  const everyMaintainedLeafKey = `
      leaf_keys AS (SELECT l.item_id, l.label_id, l.latest_verdict FROM ${s}.label_leaves l)`;
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
    SELECT scope.item_id, scope.uri, scope.content_hash, k.label_id, n.task, n.payload, n.author_kind, n.author_id, n.confidence, k.latest_verdict,
           ${epochMillis('n.event_time')} AS event_time, n.log_partition, n.log_offset
      FROM scope
      LEFT JOIN (leaf_keys k JOIN ${s}.label_nodes n
                   ON n.label_id = k.label_id AND (:task::text IS NULL OR n.task = :task))
        ON k.item_id = scope.item_id
     ORDER BY scope.item_id, n.log_offset`;
  const question = (scope: string) => ({
    maintained: leafViews(scope, maintainedLeafKeys),
    wholeScopeMaintained: leafViews(scope, everyMaintainedLeafKey),
    recomputed: leafViews(scope, recomputedLeafKeys),
  });
  return {
    itemIds: question(scopes.itemIds),
    visibleItemIds: question(scopes.visibleItemIds),
    datasetPage: question(scopes.datasetPage),
    allItemsPage: question(scopes.allItemsPage),
  };
};

type Question = keyof ReturnType<typeof statements>;

interface LeafRecord {
  item_id: string;
  /** The item's columns, null when the scope is bare ids. */
  uri: string | null;
  content_hash: string | null;
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
 * The leaves of an item as of `asOf` if the item is visible then (registered, and of one of
 * `namespaces` when given), else undefined: one statement, so a reader's visibility check costs no
 * round trip of its own.
 */
export async function visibleItemLeaves(
  db: Queryable,
  schemaName: string,
  itemId: string,
  asOf: AsOf = latest,
  options: { namespaces?: readonly string[] } = {},
): Promise<LeafView[] | undefined> {
  const records = await leafRecords(db, schemaName, 'visibleItemIds', asOf, {
    itemIds: [itemId],
    namespaces: options.namespaces ?? null,
  });
  return records.length === 0 ? undefined : records.filter(hasLeaf).map(leafViewOf);
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

type StreamSelection = { dataset?: string; task?: string; namespaces?: readonly string[] };

/**
 * Every item of a dataset (or every item) visible as of `asOf`, in id order, each with its leaves
 * (`[]` when none), optionally of one task, from one snapshot: a read-only repeatable-read
 * transaction of its own, holding a pooled connection until the generator finishes or is returned
 * early (consume it promptly). At `latest` it is one statement read through a server-side cursor,
 * `chunkSize` rows per round trip, planned as one join over the dataset with no index probe per
 * item as pages need (50k items: ~140k rows/s including JSON, pages ~115k without). At other
 * points the recursive leaf query over a whole dataset in one statement was ~10× slower than
 * pages, so it reads keyset pages of `chunkSize` items.
 * The next chunk is read while the caller consumes this one (overlapping the database with the
 * consumer), so memory holds at most two chunks, and reading goes no further ahead than that.
 */
export async function* streamItemLeaves(
  knex: Knex,
  schemaName: string,
  selection: StreamSelection,
  asOf: AsOf = latest,
  chunkSize = 2000,
): AsyncGenerator<{ itemId: string; leaves: LeafView[] }> {
  for await (const items of streamItemsWithLeaves(knex, schemaName, selection, asOf, chunkSize))
    for (const { item, leaves } of items) yield { itemId: item.itemId, leaves };
}

/**
 * {@link streamItemLeaves} with the item columns an export line carries (uri, content hash), one
 * array of items per chunk read: a consumer pays the cost of an async step per chunk, not per item
 * (five nested async generators cost ~1–2 µs per item, a third of an export's own work).
 */
export async function* streamItemsWithLeaves(
  knex: Knex,
  schemaName: string,
  selection: StreamSelection,
  asOf: AsOf = latest,
  chunkSize = 2000,
): AsyncGenerator<ItemWithLeaves[]> {
  assertPageLimit(chunkSize);
  const chunks = inReadSnapshot(knex, (trx) =>
    asOf.kind === 'latest'
      ? cursorChunks<LeafRecord>(trx, wholeSelectionLeaves(schemaName, selection), chunkSize)
      : pageChunks(trx, schemaName, selection, asOf, chunkSize),
  );
  // Rows are ordered by item and an item's rows may span chunks: its last item is held back
  // until the next chunk shows whether more of its leaves follow.
  let pending: ItemWithLeaves | undefined;
  for await (const rows of chunks) {
    const items: ItemWithLeaves[] = [];
    for (const record of rows) {
      if (pending?.item.itemId !== record.item_id) {
        if (pending) items.push(pending);
        pending = {
          item: { itemId: record.item_id, uri: record.uri!, contentHash: record.content_hash! },
          leaves: [],
        };
      }
      if (hasLeaf(record)) pending.leaves.push(leafViewOf(record));
    }
    if (items.length) yield items;
  }
  if (pending) yield [pending];
}

/** A statement with named bindings. */
export interface Statement {
  sql: string;
  bindings: Record<string, unknown>;
}

function streamBindings(selection: StreamSelection): Record<string, unknown> {
  return {
    dataset: selection.dataset ?? null,
    task: selection.task ?? null,
    namespaces: selection.namespaces ?? null,
  };
}

/**
 * The items of a whole selection (a dataset, or every item; of `namespaces` when given) at
 * `latest`, as the SQL of `scope(item_id, uri, content_hash)` in item-id order, with its bindings
 * (`:task` is bound too, for the statement built on it). Written as the keyset page with no bound,
 * so an export and the pages plan the same join.
 */
export function latestSelectionScope(schemaName: string, selection: StreamSelection): Statement {
  return {
    sql: scopesOf(quotedSchema(schemaName))[selection.dataset === undefined ? 'allItemsPage' : 'datasetPage'],
    bindings: {
      ...asOfBindings(latest),
      itemIds: null,
      ...streamBindings(selection),
      afterItemId: '',
      limit: null, // LIMIT NULL: the page query over every item
    },
  };
}

/** The leaf question over a whole selection at `latest`, for a cursor. */
function wholeSelectionLeaves(schemaName: string, selection: StreamSelection): Statement {
  const question = statements(quotedSchema(schemaName))[
    selection.dataset === undefined ? 'allItemsPage' : 'datasetPage'
  ];
  return { ...latestSelectionScope(schemaName, selection), sql: question.wholeScopeMaintained };
}

/**
 * Runs `read` in a read-only repeatable-read transaction of its own (one snapshot), asking it for
 * the next chunk while the caller consumes this one (see {@link readingAhead}). The transaction
 * holds a pooled connection until the generator finishes or is returned early (a client that
 * leaves), so consume it promptly.
 */
async function* inReadSnapshot<T>(
  knex: Knex,
  read: (trx: Knex.Transaction) => AsyncGenerator<T>,
): AsyncGenerator<T> {
  const trx = await knex.transaction({ readOnly: true, isolationLevel: 'repeatable read' });
  try {
    yield* readingAhead(read(trx));
  } finally {
    // Read-only: committing only ends it (an aborted transaction's COMMIT is a rollback).
    await trx.commit();
  }
}

/** The rows of one statement through a server-side cursor of `trx`, `fetchRows` per round trip. */
async function* cursorChunks<Row>(
  trx: Knex.Transaction,
  statement: Statement,
  fetchRows: number,
): AsyncGenerator<Row[]> {
  assertPageLimit(fetchRows);
  await trx.raw(`DECLARE stream_rows NO SCROLL CURSOR FOR ${statement.sql}`, statement.bindings);
  for (;;) {
    const { rows } = (await trx.raw(`FETCH ${fetchRows} FROM stream_rows`)) as {
      rows: Row[];
    };
    if (rows.length) yield rows;
    if (rows.length < fetchRows) return;
  }
}

/** The rows of keyset pages of `limit` items as of `asOf`: the recursive leaf query page by page. */
async function* pageChunks(
  trx: Knex.Transaction,
  schemaName: string,
  selection: StreamSelection,
  asOf: AsOf,
  limit: number,
): AsyncGenerator<LeafRecord[]> {
  const question = selection.dataset === undefined ? 'allItemsPage' : 'datasetPage';
  for (let afterItemId = ''; ;) {
    const rows = await leafRecords(trx, schemaName, question, asOf, {
      ...streamBindings(selection),
      afterItemId,
      limit,
    });
    if (rows.length) yield rows;
    const itemsOnPage = new Set(rows.map((row) => row.item_id)).size;
    if (itemsOnPage < limit) return;
    afterItemId = rows[rows.length - 1].item_id;
  }
}

/**
 * Asks `chunks` for the next chunk before handing out the current one, so the database works while
 * the consumer does. A read in flight when the consumer stops is left to settle (its failure is moot).
 */
async function* readingAhead<T>(chunks: AsyncGenerator<T>): AsyncGenerator<T> {
  let next = chunks.next();
  try {
    for (;;) {
      const current = await next;
      if (current.done) return;
      next = chunks.next();
      next.catch(() => undefined); // observed when awaited above, or moot if the consumer left
      yield current.value;
    }
  } finally {
    await next.catch(() => undefined);
    await chunks.return(undefined);
  }
}
