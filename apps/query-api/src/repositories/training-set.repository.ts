import { Injectable } from '@nestjs/common';
// The export's own statement is built on the same scope as the leaves stream, not a copy of it.
import { latestSelectionScope, quotedSchema, streamItemsWithLeaves } from '@strata/views';
import { copyRows } from '../common/copy-rows';
import { JsonBytes } from '../common/json-bytes';
import { limits } from '../common/limits';
import { decodePayload, type LeafLabel } from '../domain/labels';
import { visibleNamespaces, type ReadScope } from '../domain/read-scope';
import type { ExportedItem } from '../domain/training-set';
import { LiveViews } from './live-views';
import { leafFromView } from './view-sql';

export interface Selection {
  dataset?: string;
  task?: string;
}

/** The strategies whose lines PostgreSQL selects itself (see {@link TrainingSetRepository.renderedLines}). */
export type SelectedInSql = 'latest' | 'all-leaves';

/**
 * The training lines of `latest` or `all-leaves` at the latest point, one row per line, in export
 * order (item id, task in code-point order, then log position). It follows `consolidate` in
 * domain/consolidation.ts: an (item, task) with a leaf whose latest review is a rejection is
 * unresolved and yields no line; otherwise `latest` keeps its last leaf in log order, `all-leaves`
 * every leaf. PostgreSQL selects the rows, the API writes their JSON (see {@link ndjsonOfRows}).
 */
const trainingLinesSql = (s: string, scope: string, strategy: SelectedInSql) => `
    -- Not MATERIALIZED: a CTE scan is parallel-restricted, and COPY may run this join in parallel
    -- (0.24 s → 0.16 s for 50k items on two cores).
    WITH scope AS (${scope}),
      -- Few rows (reviews that reject a leaf): hashed once, not looked up per leaf.
      rejected AS (
        SELECT DISTINCT k.item_id, n.task FROM ${s}.label_leaves k JOIN ${s}.label_nodes n ON n.label_id = k.label_id
         WHERE k.latest_verdict = 'REJECTED')
    SELECT ${strategy === 'latest' ? 'DISTINCT ON (scope.item_id, n.task COLLATE "C")' : ''}
           scope.item_id, scope.uri, scope.content_hash, n.task, n.label_id, n.payload, n.author_kind,
           n.author_id, n.confidence, k.latest_verdict
      FROM scope JOIN ${s}.label_leaves k ON k.item_id = scope.item_id
      JOIN ${s}.label_nodes n ON n.label_id = k.label_id AND (:task::text IS NULL OR n.task = :task)
     WHERE NOT EXISTS (SELECT 1 FROM rejected r WHERE r.item_id = k.item_id AND r.task = n.task)
     ORDER BY scope.item_id, n.task COLLATE "C", ${
       strategy === 'latest'
         ? 'n.log_partition DESC, n.log_offset DESC, n.label_id COLLATE "C" DESC'
         : 'n.log_partition, n.log_offset, n.label_id COLLATE "C"'
     }`;

const lineFields = 10;
const ascii = (text: string) => Buffer.from(text, 'latin1');
const keys = {
  itemId: ascii('{"itemId":'),
  uri: ascii(',"uri":'),
  contentHash: ascii(',"contentHash":'),
  task: ascii(',"task":'),
  labelId: ascii(',"label":{"labelId":'),
  payload: ascii(',"payload":'),
  authorKind: ascii(',"author":{"kind":'),
  authorId: ascii(',"id":'),
  confidence: ascii('},"confidence":'),
  latestVerdict: ascii(',"latestVerdict":'),
  end: ascii('}}\n'),
};
const nullBytes = ascii('null');

/**
 * Writes the NDJSON line of one row of {@link trainingLinesSql}: the bytes JSON.stringify writes for
 * its TrainingLine (keys in that order; a payload that is not JSON is its text as a string). Only
 * the payload (normalized by JSON.parse, as every other line) and the confidence go through JS
 * values; the other columns are copied from the row's bytes. Written here rather than in SQL: the
 * API process writes lines while PostgreSQL, the export's bottleneck, selects the next rows.
 */
function writeLine(out: JsonBytes, data: Buffer, fields: Int32Array): void {
  const text = (field: number) => {
    const start = fields[2 * field];
    if (start === -1) out.bytes(nullBytes);
    else out.string(data, start, fields[2 * field + 1]);
  };
  out.bytes(keys.itemId);
  text(0);
  out.bytes(keys.uri);
  text(1);
  out.bytes(keys.contentHash);
  text(2);
  out.bytes(keys.task);
  text(3);
  out.bytes(keys.labelId);
  text(4);
  out.bytes(keys.payload);
  out.raw(JSON.stringify(decodePayload(data.toString('utf8', fields[10], fields[11]))));
  out.bytes(keys.authorKind);
  text(6);
  out.bytes(keys.authorId);
  text(7);
  out.bytes(keys.confidence);
  if (fields[16] === -1) out.bytes(nullBytes);
  else out.raw(JSON.stringify(data.readDoubleBE(fields[16])));
  out.bytes(keys.latestVerdict);
  text(9);
  out.bytes(keys.end);
}

@Injectable()
export class TrainingSetRepository {
  constructor(private readonly views: LiveViews) {}

  /**
   * The selected items of the visible namespaces (filtered in SQL), in item-id order, with their
   * leaves (of the task, if given), from one snapshot of the views, one array per chunk of
   * limits.exportChunkItems rows read, at most one chunk ahead of the consumer: a slow client holds
   * two chunks in memory, never the training set, and one pooled connection until it finishes or leaves.
   */
  async *itemChunks(
    scope: ReadScope,
    selection: Selection,
  ): AsyncGenerator<{ item: ExportedItem; leaves: LeafLabel[] }[]> {
    const namespaces = visibleNamespaces(scope.visibility) ?? undefined;
    const chunks = this.views.stream((schema) =>
      streamItemsWithLeaves(
        this.views.knex,
        schema,
        { dataset: selection.dataset, task: selection.task, namespaces },
        scope.asOf,
        limits.exportChunkItems,
      ),
    );
    for await (const items of chunks)
      yield items.map(({ item, leaves }) => ({ item, leaves: leaves.map(leafFromView) }));
  }

  /**
   * The NDJSON of a `latest` or `all-leaves` export at the latest point, lines selected by
   * PostgreSQL: an export otherwise spends most of its time building an object per leaf and per
   * line and serializing it again. Read through COPY (see {@link copyRows}): one snapshot, UTF-8 in
   * chunks of about 64 KiB, as fast as the client reads.
   */
  async *renderedLines(
    scope: ReadScope,
    selection: Selection,
    strategy: SelectedInSql,
  ): AsyncGenerator<Buffer> {
    const namespaces = visibleNamespaces(scope.visibility) ?? undefined;
    yield* this.views.stream((schema) => {
      const out = new JsonBytes();
      const items = latestSelectionScope(schema, { ...selection, namespaces });
      const statement = { ...items, sql: trainingLinesSql(quotedSchema(schema), items.sql, strategy) };
      return linesOf(
        copyRows(this.views.knex, statement, lineFields, (data, fields) => writeLine(out, data, fields)),
        out,
      );
    });
  }
}

/** The chunks `out` fills as `rows` are visited, then the rest. */
async function* linesOf(rows: AsyncGenerator<void>, out: JsonBytes): AsyncGenerator<Buffer> {
  for await (const _ of rows) yield* out.take();
  yield* out.flush();
}
