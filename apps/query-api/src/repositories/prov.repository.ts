import { Injectable } from '@nestjs/common';
import { quotedSchema } from '@strata/views';
import { decodePayload } from '../domain/labels';
import type { ArtifactRef, Run, Step, StepArtifactRef } from '../domain/lineage';
import type { ReadScope } from '../domain/read-scope';
import { LiveViews } from './live-views';
import { epochMillis, inVisibleNamespace, isoTime, queryRows, visibleAsOf } from './view-sql';

const statements = (s: string) => ({
  /** Runs by id, with their completion if it happened by then. */
  runs: `
    SELECT r.run_id, r.job_namespace, r.job_name, r.parent_run_id, r.code_version, r.parameters,
           ${epochMillis('r.event_time')} AS started_at, c.status, ${epochMillis('c.event_time')} AS ended_at
      FROM ${s}.runs r
      LEFT JOIN ${s}.run_completions c ON c.run_id = r.run_id AND ${visibleAsOf('c', ':runsTopic')}
     WHERE r.run_id = ANY(:runIds::text[]) AND ${visibleAsOf('r', ':runsTopic')} AND ${inVisibleNamespace('r')}
     ORDER BY r.run_id`,
  /**
   * Steps by id or of a run, in log order, with their inputs and outputs (made by the same event); of
   * a step named with sample groups, only the artifacts of those groups and of the whole step.
   */
  steps: `
    SELECT t.step_id, t.run_id, t.operation_name, t.operation_version, t.parameters, t.input_records,
           t.output_records, ${epochMillis('t.started_at')} AS started_at, ${epochMillis('t.ended_at')} AS ended_at,
           (SELECT coalesce(json_agg(json_build_object('direction', e.direction, 'kind', a.kind,
                     'id', a.artifact_id, 'version', a.version, 'sampleGroups', e.sample_groups)
                     ORDER BY e.direction, e.ordinal), '[]'::json)
              FROM ${s}.lineage_edges e JOIN ${s}.artifacts a ON a.artifact_key = e.artifact_key
             WHERE e.step_id = t.step_id
               AND (e.sample_groups IS NULL OR NOT (t.step_id = ANY(:narrowedStepIds::text[]))
                    OR EXISTS (SELECT 1 FROM unnest(:narrowedStepIds::text[], :narrowedGroups::int[]) AS r (step_id, sample_group)
                                WHERE r.step_id = t.step_id AND r.sample_group = ANY(e.sample_groups)))) AS artifacts
      FROM ${s}.run_steps t
     WHERE (t.step_id = ANY(:stepIds::text[]) OR t.run_id = :runId) AND ${visibleAsOf('t', ':runsTopic')}
       AND ${inVisibleNamespace('t')}
     ORDER BY t.log_partition, t.log_offset
     LIMIT :limit`,
});

interface RunRecord {
  run_id: string;
  job_namespace: string;
  job_name: string;
  parent_run_id: string | null;
  code_version: string | null;
  parameters: string;
  started_at: number;
  status: Run['status'] | null;
  ended_at: number | null;
}

interface StepRecord {
  step_id: string;
  run_id: string;
  operation_name: string;
  operation_version: string;
  parameters: string;
  input_records: string | null;
  output_records: string | null;
  started_at: number;
  ended_at: number;
  artifacts: (ArtifactRef & { direction: 'INPUT' | 'OUTPUT'; sampleGroups: number[] | null })[];
}

/** A step to read, and the sample groups of it to read (null: the whole step). */
export interface StepPart {
  stepId: string;
  sampleGroups: number[] | null;
}

/** A step artifact as the API shows it: its sample groups only when the step paired its samples. */
const stepArtifactOf = ({
  kind,
  id,
  version,
  sampleGroups,
}: StepRecord['artifacts'][number]): StepArtifactRef =>
  sampleGroups === null ? { kind, id, version } : { kind, id, version, sampleGroups };

const countOrNull = (value: string | null) => (value === null ? null : Number(value));

/** Runs and steps with everything PROV and provenance chains show about them. */
@Injectable()
export class ProvRepository {
  constructor(private readonly views: LiveViews) {}

  async runs(scope: ReadScope, runIds: readonly string[]): Promise<Run[]> {
    if (runIds.length === 0) return [];
    const records = await this.views.read((schema) =>
      queryRows<RunRecord>(this.views.knex, statements(quotedSchema(schema)).runs, scope, { runIds }),
    );
    return records.map((record) => ({
      runId: record.run_id,
      job: { namespace: record.job_namespace, name: record.job_name },
      parentRunId: record.parent_run_id,
      codeVersion: record.code_version,
      parameters: decodePayload(record.parameters),
      status: record.status ?? 'RUNNING',
      startedAt: isoTime(record.started_at),
      endedAt: record.ended_at === null ? null : isoTime(record.ended_at),
    }));
  }

  /** Steps named (whole, or the sample groups named), or all steps of `runId`, at most `limit`, in log order. */
  async steps(
    scope: ReadScope,
    which: { steps?: readonly StepPart[]; runId?: string },
    limit: number,
  ): Promise<Step[]> {
    const narrowed = (which.steps ?? []).flatMap(({ stepId, sampleGroups }) =>
      (sampleGroups ?? []).map((sampleGroup) => ({ stepId, sampleGroup })),
    );
    const records = await this.views.read((schema) =>
      queryRows<StepRecord>(this.views.knex, statements(quotedSchema(schema)).steps, scope, {
        stepIds: (which.steps ?? []).map((step) => step.stepId),
        runId: which.runId ?? null,
        narrowedStepIds: narrowed.map((part) => part.stepId),
        narrowedGroups: narrowed.map((part) => part.sampleGroup),
        limit,
      }),
    );
    return records.map((record) => ({
      stepId: record.step_id,
      runId: record.run_id,
      operation: { name: record.operation_name, version: record.operation_version },
      parameters: decodePayload(record.parameters),
      inputs: record.artifacts.filter((a) => a.direction === 'INPUT').map(stepArtifactOf),
      outputs: record.artifacts.filter((a) => a.direction === 'OUTPUT').map(stepArtifactOf),
      inputRecords: countOrNull(record.input_records),
      outputRecords: countOrNull(record.output_records),
      startedAt: isoTime(record.started_at),
      endedAt: isoTime(record.ended_at),
    }));
  }
}
