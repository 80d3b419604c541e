import type { ArtifactRef, Envelope, StrataEvent } from '@strata/contracts';
import { z } from 'zod';
import { deterministicUuid } from '../common/deterministic-id';
import { epochMillis, issuesOf, type MappingResult } from '../common/mapping-result';

const uuid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be a UUID');
const facets = z.record(z.string(), z.unknown()).optional();

const dataset = z.object({
  namespace: z.string().min(1),
  name: z.string().min(1),
  facets,
  inputFacets: facets,
  outputFacets: facets,
});

type Dataset = z.infer<typeof dataset>;

const jobRef = z.object({ namespace: z.string().min(1), name: z.string().min(1) });
const parentFacet = z.object({ job: jobRef.optional(), run: z.object({ runId: uuid }) });

/** The OpenLineage RunEvent (spec 1.x / 2.x) fields Strata reads; unknown fields and facets pass. */
const runEvent = z.object({
  eventType: z.enum(['START', 'RUNNING', 'COMPLETE', 'FAIL', 'ABORT', 'OTHER']).optional(),
  eventTime: z.string().refine((value) => epochMillis(value) !== undefined, 'must be an ISO-8601 date-time'),
  producer: z.string().min(1),
  schemaURL: z.string().optional(),
  run: z.object({ runId: uuid, facets }),
  job: jobRef.extend({ facets }),
  inputs: z.array(dataset).optional(),
  outputs: z.array(dataset).optional(),
});

export type OpenLineageRunEvent = z.infer<typeof runEvent>;

export interface OpenLineageContext {
  /** Strata namespace (tenant) of the events; defaults to the OpenLineage job namespace. */
  namespace?: string;
  /** Who sent it, e.g. the API key's name. */
  actorId: string;
}

const terminalStatus = { COMPLETE: 'COMPLETED', FAIL: 'FAILED', ABORT: 'ABORTED' } as const;

/**
 * Maps one OpenLineage RunEvent onto Strata events:
 * - START → RunStarted (job, parent run facet → parentRunId, sourceCodeLocation → codeVersion);
 * - any event carrying input or output datasets → one TransformationApplied with those datasets as
 *   DATASET artifacts (the dataset version facet becomes the artifact version);
 * - COMPLETE / FAIL / ABORT → RunCompleted (the errorMessage facet becomes the error).
 * Ids are derived from the run id, event type and time, so a re-sent event maps to the same events.
 */
export function mapOpenLineageEvent(raw: unknown, context: OpenLineageContext): MappingResult {
  const parsed = runEvent.safeParse(raw);
  if (!parsed.success) return { ok: false, issues: issuesOf(parsed.error) };
  const event = parsed.data;
  const eventType = event.eventType ?? 'OTHER';
  const eventTime = epochMillis(event.eventTime) as number;
  const runId = event.run.runId.toLowerCase();
  const idOf = (role: string) => deterministicUuid('openlineage', runId, eventType, event.eventTime, role);
  const envelopeFor = (role: string): Envelope => ({
    eventId: idOf(role),
    eventTime,
    namespace: context.namespace ?? event.job.namespace,
    producer: { name: event.producer, version: producerVersion(event.producer, event.schemaURL) },
    actor: { kind: 'SERVICE', id: context.actorId },
  });
  const codeLocation = objectFacet(event.job.facets, 'sourceCodeLocation');
  const codeVersion = stringField(codeLocation, 'version') ?? stringField(codeLocation, 'url') ?? null;

  const events: StrataEvent[] = [];
  if (eventType === 'START') {
    events.push({
      type: 'RunStarted',
      event: {
        envelope: envelopeFor('run-started'),
        runId,
        job: { namespace: event.job.namespace, name: event.job.name },
        parentRunId: parentRunIdOf(event.run.facets),
        codeVersion,
        parameters: JSON.stringify({
          runFacets: withoutParent(event.run.facets),
          jobFacets: event.job.facets ?? {},
        }),
      },
    });
  }
  const inputs = event.inputs ?? [];
  const outputs = event.outputs ?? [];
  if (inputs.length > 0 || outputs.length > 0) {
    events.push({
      type: 'TransformationApplied',
      event: {
        envelope: envelopeFor('step'),
        runId,
        stepId: idOf('step-id'),
        operation: { name: event.job.name, version: codeVersion ?? 'unversioned' },
        parameters: JSON.stringify({ openLineageEventType: eventType, jobNamespace: event.job.namespace }),
        inputs: inputs.map((input) => datasetRef(input, 'inputFacets')),
        outputs: outputs.map((output) => datasetRef(output, 'outputFacets')),
        itemRefs: null,
        inputRecords: sumOfRowCounts(inputs, 'inputFacets', 'inputStatistics'),
        outputRecords: sumOfRowCounts(outputs, 'outputFacets', 'outputStatistics'),
        metrics: {},
        startedAt: eventTime,
        endedAt: eventTime,
      },
    });
  }
  if (eventType === 'COMPLETE' || eventType === 'FAIL' || eventType === 'ABORT') {
    const errorFacet = objectFacet(event.run.facets, 'errorMessage');
    events.push({
      type: 'RunCompleted',
      event: {
        envelope: envelopeFor('run-completed'),
        runId,
        status: terminalStatus[eventType],
        metrics: {},
        error:
          stringField(errorFacet, 'message') ??
          (eventType === 'COMPLETE' ? null : `OpenLineage ${eventType} event`),
      },
    });
  }
  if (events.length === 0) {
    return {
      ok: true,
      events,
      ignored: `${eventType} event without datasets carries nothing Strata records`,
    };
  }
  return { ok: true, events };
}

/** `parent` is the spec's name; `parentRun` appears in older integrations and in the spec's examples. */
function parentRunIdOf(runFacets: Record<string, unknown> | undefined): string | null {
  for (const name of ['parent', 'parentRun']) {
    const parsed = parentFacet.safeParse(runFacets?.[name]);
    if (parsed.success) return parsed.data.run.runId.toLowerCase();
  }
  return null;
}

function withoutParent(runFacets: Record<string, unknown> | undefined): Record<string, unknown> {
  const { parent: _parent, parentRun: _parentRun, ...rest } = runFacets ?? {};
  return rest;
}

function datasetRef(entry: Dataset, specificFacets: 'inputFacets' | 'outputFacets'): ArtifactRef {
  const version =
    stringField(objectFacet(entry.facets, 'version'), 'datasetVersion') ??
    stringField(objectFacet(entry[specificFacets], 'version'), 'datasetVersion') ??
    null;
  return { kind: 'DATASET', id: `${entry.namespace}/${entry.name}`, version };
}

function sumOfRowCounts(
  datasets: Dataset[],
  specificFacets: 'inputFacets' | 'outputFacets',
  statistics: 'inputStatistics' | 'outputStatistics',
): number | null {
  let total: number | null = null;
  for (const entry of datasets) {
    const rows = objectFacet(entry[specificFacets], statistics)?.rowCount;
    if (typeof rows === 'number' && Number.isFinite(rows)) total = (total ?? 0) + Math.trunc(rows);
  }
  return total;
}

/** The version in a producer URL such as `…/tree/0.10.0/integration/airflow`, else the schema's. */
function producerVersion(producer: string, schemaURL: string | undefined): string {
  const versionPattern = /\/v?(\d+(?:[.-]\d+)+)(?:\/|$|#)/;
  return versionPattern.exec(producer)?.[1] ?? versionPattern.exec(schemaURL ?? '')?.[1] ?? 'unknown';
}

function objectFacet(
  container: Record<string, unknown> | undefined,
  name: string,
): Record<string, unknown> | undefined {
  const value = container?.[name];
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

function stringField(container: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = container?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
