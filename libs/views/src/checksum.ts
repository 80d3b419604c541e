import { createHash, type Hash } from 'node:crypto';
import { asOfBindings, latest, visibleAsOf, type AsOf } from './as-of';
import { allItemLeaves } from './leaves.repository';
import { quotedSchema } from './schema-name';
import type { Queryable } from './sql-fragments';

/**
 * A table's logical content: its rows visible as of the question, in key order. Checkpoints are
 * left out (processing state: a rebuild to V and the live views hold the same content at
 * different checkpoints); leaves are hashed separately, recomputed unless asked at `latest`.
 */
interface HashedTable {
  table: string;
  key: string[];
  /** SQL predicate on alias `t`. */
  visible: string;
}

const hashedTables = (s: string): HashedTable[] => {
  const items = visibleAsOf('t', ':itemsTopic');
  const runs = visibleAsOf('t', ':runsTopic');
  return [
    { table: 'items', key: ['item_id'], visible: items },
    {
      table: 'item_datasets',
      key: ['dataset', 'item_id'],
      visible: `EXISTS (SELECT 1 FROM ${s}.items i WHERE i.item_id = t.item_id AND ${visibleAsOf('i', ':itemsTopic')})`,
    },
    { table: 'label_nodes', key: ['label_id'], visible: items },
    { table: 'label_edges', key: ['child_id', 'parent_id'], visible: items },
    { table: 'label_reviews', key: ['event_id'], visible: items },
    { table: 'label_retractions', key: ['label_id'], visible: items },
    { table: 'runs', key: ['run_id'], visible: runs },
    { table: 'run_completions', key: ['run_id'], visible: runs },
    { table: 'run_steps', key: ['step_id'], visible: runs },
    {
      table: 'artifacts',
      key: ['artifact_key'],
      visible: `EXISTS (SELECT 1 FROM ${s}.lineage_edges e WHERE e.artifact_key = t.artifact_key AND ${visibleAsOf('e', ':runsTopic')})`,
    },
    { table: 'lineage_edges', key: ['step_id', 'direction', 'artifact_key'], visible: runs },
    { table: 'snapshots', key: ['snapshot_id'], visible: visibleAsOf('t', ':snapshotsTopic') },
    {
      table: 'dead_letters',
      key: ['topic', 'log_partition', 'log_offset'],
      visible: visibleAsOf('t', 't.topic', 'record_time'),
    },
  ];
};

/** `SELECT * … ORDER BY key LIMIT` with a keyset continuation: constant memory on any table size. */
const pageStatement = (s: string, { table, key, visible }: HashedTable, first: boolean) => `
  SELECT * FROM ${s}.${table} t
   WHERE ${visible} ${first ? '' : `AND (${key.map((k) => `t.${k}`).join(', ')}) > (${key.map((k) => `:after_${k}`).join(', ')})`}
   ORDER BY ${key.map((k) => `t.${k}`).join(', ')} LIMIT :pageSize`;

const pageSize = 5000;

/**
 * Deterministic hex SHA-256 of a build's logical content as of `asOf`: every table's visible
 * rows in key order (ids are "C"-collated, so the order is the same on any server), then the
 * leaves. Streams page by page, so it runs on millions of rows in constant memory. Two builds
 * with the same content give the same checksum; so do a rebuild to V and the live views as of V.
 */
export async function checksumBuild(db: Queryable, schemaName: string, asOf: AsOf = latest): Promise<string> {
  const s = quotedSchema(schemaName);
  const bindings = asOfBindings(asOf);
  const hash = createHash('sha256');
  for (const table of hashedTables(s)) {
    hash.update(`table ${table.table}\n`);
    let after: Record<string, unknown> | undefined;
    for (;;) {
      const { rows } = await db.raw(pageStatement(s, table, after === undefined), {
        ...bindings,
        ...after,
        pageSize,
      });
      hashRows(hash, rows as Record<string, unknown>[]);
      if (rows.length < pageSize) break;
      const last = rows[rows.length - 1] as Record<string, unknown>;
      after = Object.fromEntries(table.key.map((k) => [`after_${k}`, last[k]]));
    }
  }
  hash.update('table label_leaves\n');
  for (let afterItemId: string | null = ''; afterItemId !== null;) {
    const page = await allItemLeaves(db, schemaName, { afterItemId, limit: pageSize }, asOf);
    hashRows(
      hash,
      page.items.flatMap(({ leaves }) =>
        [...leaves]
          .sort((a, b) => (a.labelId < b.labelId ? -1 : a.labelId > b.labelId ? 1 : 0))
          .map((leaf) => ({
            itemId: leaf.itemId,
            labelId: leaf.labelId,
            task: leaf.task,
            latestVerdict: leaf.latestVerdict,
          })),
      ),
    );
    afterItemId = page.nextAfterItemId;
  }
  return hash.digest('hex');
}

/** One line per row: its values in column order as JSON (bigints arrive as strings, times as Dates, bytea as Buffers). */
function hashRows(hash: Hash, rows: Record<string, unknown>[]): void {
  for (const row of rows) hash.update(`${JSON.stringify(Object.values(row))}\n`);
}
