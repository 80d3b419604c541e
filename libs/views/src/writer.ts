import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from 'knex';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  processedEventIdsOf,
  type ArtifactRow,
  type DeadLetter,
  type EventOrigin,
  type ViewChanges,
} from '@strata/projection';
import { quotedSchema } from './schema-name';
import { CopyTextWriter } from './copy-text';

/**
 * How a row field reaches a column: as a field of `COPY … FROM STDIN` text format, or, for the
 * rows shared between batches, as one array parameter per column zipped back by `unnest`. Times are
 * epoch milliseconds in the rows; JSON and integer lists (as array literals) are text.
 */
type ColumnType =
  'text' | 'integer' | 'integer[]' | 'bigint' | 'double precision' | 'bytea' | 'jsonb' | 'epoch_millis';

/** An integer list as an array literal: what an `integer[]` column's value is written as. */
const integerArrayLiteral = (values: readonly number[]) => `{${values.join(',')}}`;

interface Column<Row> {
  name: string;
  type: ColumnType;
  value: (row: Row) => unknown;
}

interface TableWrite<Row> {
  table: string;
  columns: Column<Row>[];
  /**
   * Rows shared between batches (artifacts) may already exist: they are written by an
   * `INSERT … SELECT FROM unnest` with this clause, in the order of this key. Every other table gets only new rows (the
   * projection de-duplicates by eventId and replaces touched items' leaves after deleting them),
   * written with COPY.
   */
  onConflict?: { clause: string; key: (row: Row) => string };
}

const column = <Row>(name: string, type: ColumnType, value: (row: Row) => unknown): Column<Row> => ({
  name,
  type,
  value,
});

function originColumns<Row extends { origin: EventOrigin }>(): Column<Row>[] {
  return [
    column('event_id', 'text', (row) => row.origin.eventId),
    column('event_time', 'epoch_millis', (row) => row.origin.eventTime),
    column('log_partition', 'integer', (row) => row.origin.partition),
    column('log_offset', 'bigint', (row) => row.origin.offset),
    column('namespace', 'text', (row) => row.origin.namespace),
    column('producer_name', 'text', (row) => row.origin.producerName),
    column('producer_version', 'text', (row) => row.origin.producerVersion),
    column('actor_kind', 'text', (row) => row.origin.actorKind),
    column('actor_id', 'text', (row) => row.origin.actorId),
  ];
}

function positionColumns<
  Row extends { eventTime: number; partition: number; offset: number },
>(): Column<Row>[] {
  return [
    column('event_time', 'epoch_millis', (row) => row.eventTime),
    column('log_partition', 'integer', (row) => row.partition),
    column('log_offset', 'bigint', (row) => row.offset),
  ];
}

type InsertedChanges = Omit<ViewChanges, 'leaves' | 'skippedDuplicates'> & {
  leafRows: ViewChanges['leaves']['rows'];
  processedEventIds: string[];
  /** Artifacts whose keys the batch claimed as new to the build (see {@link applyChanges}). */
  claimedArtifacts: ArtifactRow[];
};

const artifactColumns: Column<ArtifactRow>[] = [
  column('artifact_key', 'text', (row) => row.artifactKey),
  column('kind', 'text', (row) => row.kind),
  column('artifact_id', 'text', (row) => row.artifactId),
  column('version', 'text', (row) => row.version),
];

/** Every table a batch inserts into, with its columns, in write order. */
const tableWrites: { [K in keyof InsertedChanges]: TableWrite<InsertedChanges[K][number]> } = {
  items: {
    table: 'items',
    columns: [
      column('item_id', 'text', (row) => row.itemId),
      column('uri', 'text', (row) => row.uri),
      column('content_hash', 'text', (row) => row.contentHash),
      column('media_type', 'text', (row) => row.mediaType),
      column('source', 'text', (row) => row.source),
      column('license', 'text', (row) => row.license),
      column('attributes', 'jsonb', (row) => row.attributes),
      ...originColumns(),
    ],
  },
  itemDatasets: {
    table: 'item_datasets',
    columns: [
      column('dataset', 'text', (row) => row.dataset),
      column('item_id', 'text', (row) => row.itemId),
    ],
  },
  labelNodes: {
    table: 'label_nodes',
    columns: [
      column('label_id', 'text', (row) => row.labelId),
      column('item_id', 'text', (row) => row.itemId),
      column('task', 'text', (row) => row.task),
      column('payload', 'text', (row) => row.payload),
      column('author_kind', 'text', (row) => row.authorKind),
      column('author_id', 'text', (row) => row.authorId),
      column('tool', 'text', (row) => row.tool),
      column('confidence', 'double precision', (row) => row.confidence),
      column('guideline_version', 'text', (row) => row.guidelineVersion),
      column('correction_reason', 'text', (row) => row.correctionReason),
      ...originColumns(),
    ],
  },
  labelEdges: {
    table: 'label_edges',
    columns: [
      column('child_id', 'text', (row) => row.childId),
      column('parent_id', 'text', (row) => row.parentId),
      column('item_id', 'text', (row) => row.itemId),
      ...positionColumns(),
    ],
  },
  labelReviews: {
    table: 'label_reviews',
    columns: [
      column('label_id', 'text', (row) => row.labelId),
      column('item_id', 'text', (row) => row.itemId),
      column('verdict', 'text', (row) => row.verdict),
      column('reviewer_kind', 'text', (row) => row.reviewerKind),
      column('reviewer_id', 'text', (row) => row.reviewerId),
      column('comment', 'text', (row) => row.comment),
      ...originColumns(),
    ],
  },
  labelRetractions: {
    table: 'label_retractions',
    columns: [
      column('label_id', 'text', (row) => row.labelId),
      column('item_id', 'text', (row) => row.itemId),
      column('reason', 'text', (row) => row.reason),
      ...originColumns(),
    ],
  },
  leafRows: {
    table: 'label_leaves',
    columns: [
      column('item_id', 'text', (row) => row.itemId),
      column('label_id', 'text', (row) => row.labelId),
      column('task', 'text', (row) => row.task),
      column('latest_verdict', 'text', (row) => row.latestVerdict),
    ],
  },
  runs: {
    table: 'runs',
    columns: [
      column('run_id', 'text', (row) => row.runId),
      column('job_namespace', 'text', (row) => row.jobNamespace),
      column('job_name', 'text', (row) => row.jobName),
      column('parent_run_id', 'text', (row) => row.parentRunId),
      column('code_version', 'text', (row) => row.codeVersion),
      column('parameters', 'text', (row) => row.parameters),
      ...originColumns(),
    ],
  },
  runCompletions: {
    table: 'run_completions',
    columns: [
      column('run_id', 'text', (row) => row.runId),
      column('status', 'text', (row) => row.status),
      column('metrics', 'jsonb', (row) => row.metrics),
      column('error', 'text', (row) => row.error),
      ...originColumns(),
    ],
  },
  runSteps: {
    table: 'run_steps',
    columns: [
      column('step_id', 'text', (row) => row.stepId),
      column('run_id', 'text', (row) => row.runId),
      column('operation_name', 'text', (row) => row.operationName),
      column('operation_version', 'text', (row) => row.operationVersion),
      column('parameters', 'text', (row) => row.parameters),
      column('input_records', 'bigint', (row) => row.inputRecords),
      column('output_records', 'bigint', (row) => row.outputRecords),
      column('metrics', 'jsonb', (row) => row.metrics),
      column('started_at', 'epoch_millis', (row) => row.startedAt),
      column('ended_at', 'epoch_millis', (row) => row.endedAt),
      ...originColumns(),
    ],
  },
  claimedArtifacts: { table: 'artifacts', columns: artifactColumns },
  artifacts: {
    table: 'artifacts',
    columns: artifactColumns,
    onConflict: { clause: 'ON CONFLICT (artifact_key) DO NOTHING', key: (row) => row.artifactKey },
  },
  lineageEdges: {
    table: 'lineage_edges',
    columns: [
      column('step_id', 'text', (row) => row.stepId),
      column('direction', 'text', (row) => row.direction),
      column('artifact_key', 'text', (row) => row.artifactKey),
      column('run_id', 'text', (row) => row.runId),
      column('ordinal', 'integer', (row) => row.ordinal),
      column(
        'sample_groups',
        'integer[]',
        (row) => row.sampleGroups && integerArrayLiteral(row.sampleGroups),
      ),
      ...positionColumns(),
    ],
  },
  snapshots: {
    table: 'snapshots',
    columns: [
      column('snapshot_id', 'text', (row) => row.snapshotId),
      column('name', 'text', (row) => row.name),
      column('dataset', 'text', (row) => row.dataset),
      column('task', 'text', (row) => row.task),
      column('strategy', 'text', (row) => row.strategy),
      column('offsets', 'jsonb', (row) => row.offsets),
      column('as_of_time', 'epoch_millis', (row) => row.asOfTime),
      column('manifest_sha256', 'text', (row) => row.manifestSha256),
      column('item_count', 'bigint', (row) => row.itemCount),
      column('label_count', 'bigint', (row) => row.labelCount),
      ...originColumns(),
    ],
  },
  deadLetters: {
    table: 'dead_letters',
    columns: [
      column('topic', 'text', (row: DeadLetter) => row.position.topic),
      column('log_partition', 'integer', (row) => row.position.partition),
      column('log_offset', 'bigint', (row) => row.position.offset),
      column('record_time', 'epoch_millis', (row) => row.position.timestamp),
      column('event_id', 'text', (row) => row.eventId),
      column('event_type', 'text', (row) => row.type),
      column('reason', 'text', (row) => row.reason),
      column('detail', 'text', (row) => row.detail),
      column('raw', 'bytea', (row) => row.raw ?? null),
    ],
  },
  processedEventIds: {
    table: 'processed_events',
    columns: [column('event_id', 'text', (eventId: string) => eventId)],
  },
};

/** Sent as text: unnest would flatten an array of arrays into one list of integers. */
const parameterType = (type: ColumnType) =>
  type === 'jsonb' || type === 'integer[]' ? 'text' : type === 'epoch_millis' ? 'bigint' : type;

const selectedValue = ({ name, type }: Column<never>) =>
  type === 'jsonb' || type === 'integer[]'
    ? `${name}::${type}`
    : type === 'epoch_millis'
      ? `to_timestamp(${name} / 1000.0)`
      : name;

/**
 * `INSERT INTO <schema>.<table> (c1, …) SELECT c1, … FROM unnest($1::t1[], …) AS input(c1, …)`:
 * one statement per table per batch, whatever the batch size.
 */
function insertStatement<Row>(schema: string, write: TableWrite<Row>): string {
  const names = write.columns.map((c) => c.name).join(', ');
  const parameters = write.columns.map((c) => `?::${parameterType(c.type)}[]`).join(', ');
  const values = write.columns.map((c) => selectedValue(c as Column<never>)).join(', ');
  return (
    `INSERT INTO ${schema}.${write.table} (${names}) SELECT ${values} FROM unnest(${parameters}) AS input(${names})` +
    (write.onConflict ? ` ${write.onConflict.clause}` : '')
  );
}

/** One field of a COPY text-format line, `column` naming it (`table.column`) in errors. */
function writeField(writer: CopyTextWriter, type: ColumnType, value: unknown, column: string): void {
  if (value === null || value === undefined) return writer.null();
  switch (type) {
    case 'text':
    case 'jsonb':
    case 'integer[]':
      return writer.text(value as string, column);
    case 'epoch_millis':
      return writer.timestamp(value as number, column);
    case 'bytea':
      return writer.bytea(value as Buffer);
    default:
      return writer.number(value as number);
  }
}

/** The rows as COPY text format, one line per row. */
function copyText<Row>(write: TableWrite<Row>, rows: readonly Row[]): Buffer[] {
  const columns = write.columns;
  const names = columns.map((c) => `${write.table}.${c.name}`);
  const writer = new CopyTextWriter();
  for (const row of rows) {
    for (let i = 0; i < columns.length; i++) {
      if (i > 0) writer.fieldSeparator();
      writeField(writer, columns[i].type, columns[i].value(row), names[i]);
    }
    writer.lineEnd();
  }
  return writer.finish();
}

/**
 * The connection the transaction holds: a transaction's knex client hands out only that one, so
 * COPY through it is part of the batch's transaction (rolled back with it, committed with it).
 */
const transactionConnection = (trx: Knex.Transaction): Promise<PoolClient> =>
  trx.client.acquireConnection() as Promise<PoolClient>;

async function copyRows<Row>(
  trx: Knex.Transaction,
  schema: string,
  write: TableWrite<Row>,
  rows: readonly Row[],
): Promise<void> {
  // Built whole before the COPY starts, so a field that cannot be written fails the batch before
  // PostgreSQL is sent anything.
  const chunks = copyText(write, rows);
  const names = write.columns.map((c) => c.name).join(', ');
  const connection = await transactionConnection(trx);
  await pipeline(
    Readable.from(chunks),
    connection.query(copyFrom(`COPY ${schema}.${write.table} (${names}) FROM STDIN`)),
  );
}

async function insertRows<Row>(
  trx: Knex.Transaction,
  schema: string,
  write: TableWrite<Row>,
  rows: readonly Row[],
) {
  if (rows.length === 0) return;
  if (write.onConflict === undefined) return copyRows(trx, schema, write, rows);
  // Batches of different partitions are written concurrently and may share keys: each waits on the
  // other's uncommitted key. Inserting in one global key order makes that a queue, never a
  // deadlock (which would only cost a retry).
  const sorted = inKeyOrder(rows, write.onConflict.key);
  const columnArrays = write.columns.map((c) => sorted.map((row) => c.value(row))) as Knex.RawBinding[];
  await trx.raw(insertStatement(schema, write), columnArrays);
}

const inKeyOrder = <Row>(rows: readonly Row[], key: (row: Row) => string): Row[] =>
  [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

const uniqueViolation = '23505';

/**
 * Artifacts the batch claimed as new ({@link applyChanges}), COPYed in key order under a savepoint.
 * The claim is made when the batch is projected, its rows are written later: another batch in
 * flight that found the key claimed upserts it, and its INSERT can reach the key first. The COPY
 * then fails on the key (once that batch committed; it waits while it has not): it is undone to
 * the savepoint and the rows are upserted instead. Key order, as in the upserts, makes batches
 * that wait on each other's keys a queue rather than a deadlock.
 */
async function copyClaimedArtifacts(trx: Knex.Transaction, schema: string, rows: readonly ArtifactRow[]) {
  if (rows.length === 0) return;
  await trx.raw('SAVEPOINT claimed_artifacts');
  try {
    await copyRows(
      trx,
      schema,
      tableWrites.claimedArtifacts,
      inKeyOrder(rows, (row) => row.artifactKey),
    );
  } catch (error) {
    if ((error as { code?: unknown }).code !== uniqueViolation) throw error;
    await trx.raw('ROLLBACK TO SAVEPOINT claimed_artifacts');
    await insertRows(trx, schema, tableWrites.artifacts, rows);
    return;
  }
  await trx.raw('RELEASE SAVEPOINT claimed_artifacts');
}

/** Rows of `changes`, one COPY (shared artifacts: INSERT) per non-empty table, in the order of {@link tableWrites}. */
async function insertAll(
  trx: Knex.Transaction,
  schema: string,
  changes: ViewChanges,
  tables: readonly (keyof InsertedChanges)[],
  claimedArtifactKeys?: ReadonlySet<string>,
): Promise<void> {
  const claimedArtifacts: ArtifactRow[] = [];
  const sharedArtifacts: ArtifactRow[] = [];
  for (const row of changes.artifacts)
    (claimedArtifactKeys?.has(row.artifactKey) ? claimedArtifacts : sharedArtifacts).push(row);
  const inserted: InsertedChanges = {
    ...changes,
    claimedArtifacts,
    artifacts: sharedArtifacts,
    leafRows: changes.leaves.rows,
    processedEventIds: tables.includes('processedEventIds') ? processedEventIdsOf(changes) : [],
  };
  for (const key of tables) {
    if (key === 'claimedArtifacts') await copyClaimedArtifacts(trx, schema, inserted.claimedArtifacts);
    else await insertRows(trx, schema, tableWrites[key] as TableWrite<unknown>, inserted[key]);
  }
}

const allTables = Object.keys(tableWrites) as (keyof InsertedChanges)[];
/**
 * The tables whose rows each come from one event; label_leaves is state the projection maintains
 * and processed_events its idempotency bookkeeping.
 */
const eventRowTables = allTables.filter((table) => table !== 'leafRows' && table !== 'processedEventIds');

/**
 * Writes one batch's changes set-based: one `COPY … FROM STDIN` per table (artifacts, which other
 * batches may have written already: one INSERT … SELECT FROM unnest … ON CONFLICT DO NOTHING), and
 * leaves by one DELETE of the stored leaf sets of `leaves.replacedItemIds` plus one COPY of the new
 * rows. Must run in the transaction that also advances the batch's checkpoints, so the effect on the
 * views is exactly once.
 * `claimedArtifactKeys`: keys of `changes.artifacts` that no other batch of the build had stored
 * or claimed when this one was projected (claimNewArtifactKeys, for a build this process alone
 * writes): those are COPYed too, falling back to the upsert if another batch wrote one meanwhile.
 */
export async function applyChanges(
  trx: Knex.Transaction,
  schemaName: string,
  changes: ViewChanges,
  claimedArtifactKeys?: ReadonlySet<string>,
): Promise<void> {
  const schema = quotedSchema(schemaName);
  if (changes.leaves.replacedItemIds.length > 0) {
    await trx.raw(`DELETE FROM ${schema}.label_leaves WHERE item_id IN (SELECT unnest(?::text[]))`, [
      changes.leaves.replacedItemIds,
    ]);
  }
  await insertAll(trx, schema, changes, allTables, claimedArtifactKeys);
}

/**
 * The write side alone, for profiling the projection: the rows the events make, into the same
 * tables, by the same statements as {@link applyChanges}, with none of the projection's work (no
 * prior-state load, validation, idempotency check or leaf maintenance: label_leaves is left empty,
 * since leaves are state the projection derives, not rows of the log).
 */
export async function insertRowsRaw(
  trx: Knex.Transaction,
  schemaName: string,
  changes: ViewChanges,
): Promise<void> {
  await insertAll(trx, quotedSchema(schemaName), changes, eventRowTables);
}
