import { Injectable } from '@nestjs/common';
import { Topics } from '@strata/kafka';
import { quotedSchema } from '@strata/views';
import type { OffsetPosition } from '../domain/as-of';
import type { DatasheetFacts } from '../domain/datasheet';
import type { Release } from '../domain/lineage';
import { everyNamespace, type ReadScope, type Visibility } from '../domain/read-scope';
import { LiveViews } from './live-views';
import { epochMillis, inVisibleNamespace, isoTime, queryRows, visibleAsOf } from './view-sql';

/** The SQL-side facts of a datasheet; the leaf-side ones (distribution, multi-leaf items) are streamed. */
export type DatasheetHistoryFacts = Omit<DatasheetFacts, 'release' | 'distribution' | 'multiLeafItems'>;

const statements = (s: string) => {
  const itemsVisible = visibleAsOf('i', ':itemsTopic');
  return {
    snapshot: `
      SELECT r.snapshot_id, r.name, r.namespace, r.dataset, r.task, r.strategy, r.offsets,
             ${epochMillis('r.as_of_time')} AS as_of_time, r.manifest_sha256, r.item_count, r.label_count,
             ${epochMillis('r.event_time')} AS event_time
        FROM ${s}.snapshots r WHERE r.snapshot_id = :snapshotId AND ${inVisibleNamespace('r')}`,
    /**
     * Where the projections have got to, per partition of the given topics. With several
     * projections over one topic the slowest one bounds what the views can answer.
     */
    checkpoints: `
      SELECT topic, partition, min(next_offset) AS next_offset FROM ${s}.checkpoints
       WHERE topic = ANY(:topics::text[]) GROUP BY topic, partition ORDER BY topic, partition`,
    /**
     * Counts over the history of a selection's labels, as of the bindings and within the release's
     * namespaces; one statement, one snapshot.
     */
    datasheet: `
      WITH
        selected AS (
          SELECT i.item_id, i.source, i.license FROM ${s}.items i
           WHERE ${itemsVisible} AND ${inVisibleNamespace('i')}
             AND (:dataset::text IS NULL
                  OR EXISTS (SELECT 1 FROM ${s}.item_datasets d WHERE d.item_id = i.item_id AND d.dataset = :dataset))),
        nodes AS (
          SELECT n.label_id, n.author_kind, n.author_id, n.tool FROM ${s}.label_nodes n JOIN selected USING (item_id)
           WHERE ${visibleAsOf('n', ':itemsTopic')} AND (:task::text IS NULL OR n.task = :task)),
        latest_reviews AS (
          SELECT DISTINCT ON (v.label_id) v.label_id, v.verdict FROM ${s}.label_reviews v JOIN nodes USING (label_id)
           WHERE ${visibleAsOf('v', ':itemsTopic')} ORDER BY v.label_id, v.log_offset DESC),
        producing_steps AS (
          SELECT DISTINCT t.step_id, t.run_id, r.job_namespace, r.job_name, r.code_version, t.operation_name,
                 t.operation_version, t.parameters, t.input_records, t.output_records, t.ended_at
            FROM ${s}.lineage_edges e
            JOIN ${s}.artifacts a ON a.artifact_key = e.artifact_key
            JOIN ${s}.run_steps t ON t.step_id = e.step_id
            JOIN ${s}.runs r ON r.run_id = t.run_id
           WHERE e.direction = 'OUTPUT' AND ${visibleAsOf('e', ':runsTopic')} AND ${inVisibleNamespace('t')}
             AND ((a.kind = 'ITEM' AND a.artifact_id IN (SELECT item_id FROM selected))
                  OR (a.kind = 'DATASET' AND a.artifact_id = :dataset)))
      SELECT
        (SELECT count(*) FROM nodes) AS label_nodes,
        (SELECT count(*) FROM nodes WHERE EXISTS (SELECT 1 FROM ${s}.label_edges e WHERE e.child_id = nodes.label_id))
          AS corrections,
        (SELECT count(*) FROM ${s}.label_retractions r JOIN nodes USING (label_id)
          WHERE ${visibleAsOf('r', ':itemsTopic')}) AS retractions,
        (SELECT count(*) FROM latest_reviews) AS reviewed_labels,
        (SELECT count(*) FROM latest_reviews WHERE verdict = 'REJECTED') AS rejected_labels,
        (SELECT coalesce(json_agg(json_build_object('kind', author_kind, 'id', author_id, 'labels', labels)
                  ORDER BY labels DESC, author_kind, author_id), '[]'::json)
           FROM (SELECT author_kind, author_id, count(*) AS labels FROM nodes GROUP BY 1, 2
                  ORDER BY labels DESC, author_kind, author_id LIMIT :rows) a) AS annotators,
        (SELECT coalesce(json_agg(json_build_object('tool', tool, 'labels', labels) ORDER BY labels DESC, tool), '[]'::json)
           FROM (SELECT tool, count(*) AS labels FROM nodes WHERE tool IS NOT NULL GROUP BY 1
                  ORDER BY labels DESC, tool LIMIT :rows) t) AS tools,
        (SELECT coalesce(json_agg(json_build_object('source', source, 'license', license, 'items', items)
                  ORDER BY items DESC, source, license), '[]'::json)
           FROM (SELECT source, license, count(*) AS items FROM selected GROUP BY 1, 2
                  ORDER BY items DESC, source, license LIMIT :rows) l) AS sources,
        (SELECT coalesce(json_agg(json_build_object('job', job_namespace || '/' || job_name, 'runId', run_id,
                  'operation', operation_name || '@' || operation_version, 'codeVersion', code_version,
                  'parameters', parameters, 'inputRecords', input_records, 'outputRecords', output_records,
                  'endedAt', ${epochMillis('ended_at')}) ORDER BY ended_at, step_id), '[]'::json)
           FROM (SELECT * FROM producing_steps ORDER BY ended_at, step_id LIMIT :rows) p) AS steps`,
  };
};

interface SnapshotRecord {
  snapshot_id: string;
  name: string;
  namespace: string;
  dataset: string | null;
  task: string | null;
  strategy: string;
  offsets: OffsetPosition[];
  as_of_time: number | null;
  manifest_sha256: string;
  item_count: string;
  label_count: string;
  event_time: number;
}

interface DatasheetRecord extends Omit<
  DatasheetHistoryFacts,
  'steps' | 'labelNodes' | 'corrections' | 'retractions'
> {
  label_nodes: string;
  corrections: string;
  retractions: string;
  reviewed_labels: string;
  rejected_labels: string;
  steps: (Omit<DatasheetFacts['steps'][number], 'endedAt'> & { endedAt: number })[];
}

/** What does not depend on a point of the log nor on a reader: checkpoints, a release by id. */
const latestOfAll: ReadScope = { asOf: { kind: 'latest' }, visibility: everyNamespace };

/** Releases as the projector stored them from SnapshotFrozen, its checkpoints, and datasheet counts. */
@Injectable()
export class SnapshotsRepository {
  constructor(private readonly views: LiveViews) {}

  /** A release, if it exists and its namespace is visible. */
  async find(snapshotId: string, visibility: Visibility): Promise<Release | undefined> {
    const [record] = await this.views.read((schema) =>
      queryRows<SnapshotRecord>(
        this.views.knex,
        statements(quotedSchema(schema)).snapshot,
        { ...latestOfAll, visibility },
        { snapshotId },
      ),
    );
    if (!record) return undefined;
    return {
      snapshotId: record.snapshot_id,
      name: record.name,
      namespace: record.namespace,
      dataset: record.dataset,
      task: record.task,
      strategy: record.strategy,
      offsets: record.offsets,
      asOfTime: record.as_of_time === null ? null : isoTime(record.as_of_time),
      manifestSha256: record.manifest_sha256,
      itemCount: Number(record.item_count),
      labelCount: Number(record.label_count),
      createdAt: isoTime(record.event_time),
    };
  }

  /** The next offset the projections will read, per partition of the item and run topics. */
  async checkpoints(): Promise<OffsetPosition[]> {
    const records = await this.views.read((schema) =>
      queryRows<{ topic: string; partition: number; next_offset: string }>(
        this.views.knex,
        statements(quotedSchema(schema)).checkpoints,
        latestOfAll,
        { topics: [Topics.items, Topics.runs] },
      ),
    );
    return records.map((record) => ({
      topic: record.topic,
      partition: record.partition,
      offset: Number(record.next_offset),
    }));
  }

  /** Datasheet counts of a release, read at `scope` (its offsets and namespaces: see manifestQueryOf). */
  async datasheetHistory(release: Release, scope: ReadScope, rows: number): Promise<DatasheetHistoryFacts> {
    const [record] = await this.views.read((schema) =>
      queryRows<DatasheetRecord>(this.views.knex, statements(quotedSchema(schema)).datasheet, scope, {
        dataset: release.dataset,
        task: release.task,
        rows,
      }),
    );
    return {
      labelNodes: Number(record.label_nodes),
      corrections: Number(record.corrections),
      retractions: Number(record.retractions),
      reviewedLabels: Number(record.reviewed_labels),
      rejectedLabels: Number(record.rejected_labels),
      annotators: record.annotators,
      tools: record.tools,
      sources: record.sources,
      steps: record.steps.map((step) => ({ ...step, endedAt: isoTime(step.endedAt) })),
    };
  }
}
