import type { Author, Envelope, LabelCorrected, LabelCreated, StrataEvent } from '@strata/contracts';
import { z } from 'zod';
import { deterministicUuid } from '../common/deterministic-id';
import { epochMillis, issuesOf, type MappingResult } from '../common/mapping-result';

const isoTime = z
  .string()
  .refine((value) => epochMillis(value) !== undefined, 'must be an ISO-8601 date-time');
const userRef = z.union([
  z.number().int(),
  z.string().min(1),
  z.object({ id: z.union([z.number(), z.string()]) }),
]);

const annotation = z.object({
  id: z.number().int(),
  result: z.array(z.record(z.string(), z.unknown())),
  task: z.union([z.number().int(), z.object({ id: z.number().int() })]),
  completed_by: userRef.optional(),
  was_cancelled: z.boolean().optional(),
  created_at: isoTime,
  updated_at: isoTime.optional(),
  lead_time: z.number().nullable().optional(),
});

const project = z.object({ id: z.number().int() });
/** Newer Label Studio versions send the task with its data; `data.strata_item_id` names the item. */
const task = z.object({ id: z.number().int(), data: z.record(z.string(), z.unknown()).optional() });

type Webhook = z.infer<typeof webhook>;

const webhook = z.discriminatedUnion('action', [
  z.object({ action: z.literal('ANNOTATION_CREATED'), annotation, project, task: task.optional() }),
  z.object({ action: z.literal('ANNOTATION_UPDATED'), annotation, project, task: task.optional() }),
  z.object({
    action: z.enum(['ANNOTATIONS_DELETED', 'ANNOTATION_DELETED']),
    annotations: z.array(z.object({ id: z.number().int() })).optional(),
    id: z.number().int().optional(),
    project,
  }),
]);

/** What the gateway remembers of an annotation: its item and the Strata labels of its versions. */
export interface AnnotationHistory {
  itemId: string;
  labelIds: string[];
}

export interface LabelStudioContext {
  namespace: string;
  /** The history of an annotation seen before, by {@link annotationKey}. */
  historyOf(key: string): AnnotationHistory | undefined;
}

export interface LabelStudioMapping {
  result: MappingResult;
  /** Histories to remember once the events were acknowledged. */
  histories: Map<string, AnnotationHistory>;
}

export function annotationKey(projectId: number, annotationId: number): string {
  return `${projectId}/${annotationId}`;
}

/** Strata task names for Label Studio's result types. */
const taskOfResultType: Record<string, string> = {
  choices: 'class',
  rectanglelabels: 'bbox',
  polygonlabels: 'segmentation',
  brushlabels: 'segmentation',
  keypointlabels: 'keypoints',
  labels: 'span',
  textarea: 'text',
};

/**
 * Maps a Label Studio webhook onto label events:
 * - ANNOTATION_CREATED → LabelCreated;
 * - ANNOTATION_UPDATED → LabelCorrected whose parent is the annotation's previous version;
 * - ANNOTATION(S)_DELETED → LabelRetracted of every known version (a deleted annotation leaves no leaf).
 * Label and event ids derive from project, annotation id and version time, so a retried webhook maps
 * to the very same events.
 */
export function mapLabelStudioWebhook(raw: unknown, context: LabelStudioContext): LabelStudioMapping {
  const parsed = webhook.safeParse(raw);
  if (!parsed.success) return { result: { ok: false, issues: issuesOf(parsed.error) }, histories: new Map() };
  const payload = parsed.data;
  if (payload.action === 'ANNOTATION_CREATED' || payload.action === 'ANNOTATION_UPDATED') {
    return mapAnnotationVersion(payload, context);
  }
  return { result: mapDeletion(payload, context), histories: new Map() };
}

type AnnotationPayload = Extract<Webhook, { action: 'ANNOTATION_CREATED' | 'ANNOTATION_UPDATED' }>;
type DeletionPayload = Exclude<Webhook, AnnotationPayload>;

function mapAnnotationVersion(payload: AnnotationPayload, context: LabelStudioContext): LabelStudioMapping {
  const histories = new Map<string, AnnotationHistory>();
  const { annotation: entry, project } = payload;
  if (entry.was_cancelled) {
    return { result: { ok: true, events: [], ignored: 'skipped (cancelled) annotation' }, histories };
  }
  const key = annotationKey(project.id, entry.id);
  const taskId = typeof entry.task === 'number' ? entry.task : entry.task.id;
  const known = context.historyOf(key);
  const itemId =
    itemIdOf(payload.task, project.id, taskId) ?? known?.itemId ?? `labelstudio:${project.id}:task:${taskId}`;
  const labelIdOf = (versionTime: string) => deterministicUuid('label-studio', key, versionTime);
  const versionTime =
    payload.action === 'ANNOTATION_CREATED' ? entry.created_at : (entry.updated_at ?? entry.created_at);
  const labelId = labelIdOf(versionTime);
  const author = authorOf(entry.completed_by);
  const label: LabelCreated = {
    envelope: envelope(
      deterministicUuid('label-studio', key, versionTime, 'event'),
      epochMillis(versionTime) as number,
      context.namespace,
      { kind: 'HUMAN', id: author.id },
    ),
    itemId,
    labelId,
    task: taskOf(entry.result),
    payload: JSON.stringify({
      result: entry.result,
      labelStudio: {
        projectId: project.id,
        taskId,
        annotationId: entry.id,
        leadTimeSeconds: entry.lead_time ?? null,
      },
    }),
    author,
    tool: 'label-studio',
    confidence: null,
    guidelineVersion: null,
  };

  if (payload.action === 'ANNOTATION_CREATED') {
    histories.set(key, { itemId, labelIds: [labelId] });
    return { result: { ok: true, events: [{ type: 'LabelCreated', event: label }] }, histories };
  }

  const versions = known?.labelIds ?? [labelIdOf(entry.created_at)];
  const position = versions.indexOf(labelId);
  // A retried webhook finds its own label already recorded: reuse the parent it had then.
  const parent = position >= 0 ? versions[position - 1] : versions[versions.length - 1];
  if (parent === undefined || parent === labelId) {
    return {
      result: { ok: true, events: [], ignored: 'update does not change the annotation version' },
      histories,
    };
  }
  histories.set(key, { itemId, labelIds: position >= 0 ? versions : [...versions, labelId] });
  const correction: LabelCorrected = {
    ...label,
    parents: [parent],
    reason: 'annotation updated in Label Studio',
  };
  return { result: { ok: true, events: [{ type: 'LabelCorrected', event: correction }] }, histories };
}

function mapDeletion(payload: DeletionPayload, context: LabelStudioContext): MappingResult {
  const ids = [
    ...(payload.annotations ?? []).map((entry) => entry.id),
    ...(payload.id === undefined ? [] : [payload.id]),
  ];
  const events: StrataEvent[] = [];
  const unknown: number[] = [];
  for (const annotationId of ids) {
    const key = annotationKey(payload.project.id, annotationId);
    const history = context.historyOf(key);
    if (!history) {
      unknown.push(annotationId);
      continue;
    }
    for (const labelId of [...history.labelIds].reverse()) {
      const eventId = deterministicUuid('label-studio', key, labelId, 'retracted');
      events.push({
        type: 'LabelRetracted',
        event: {
          envelope: envelope(eventId, Date.now(), context.namespace, { kind: 'SERVICE', id: 'label-studio' }),
          itemId: history.itemId,
          labelId,
          reason: 'annotation deleted in Label Studio',
        },
      });
    }
  }
  const ignored = unknown.length
    ? `annotations never seen by this gateway: ${unknown.join(', ')}`
    : undefined;
  return { ok: true, events, ignored };
}

function envelope(eventId: string, eventTime: number, namespace: string, actor: Envelope['actor']): Envelope {
  return { eventId, eventTime, namespace, producer: { name: 'label-studio', version: 'webhook' }, actor };
}

function itemIdOf(
  taskPayload: z.infer<typeof task> | undefined,
  projectId: number,
  taskId: number,
): string | undefined {
  if (!taskPayload || taskPayload.id !== taskId) return undefined;
  const named = taskPayload.data?.strata_item_id ?? taskPayload.data?.itemId;
  return typeof named === 'string' && named !== '' ? named : `labelstudio:${projectId}:task:${taskId}`;
}

function authorOf(user: z.infer<typeof userRef> | undefined): Author {
  if (user === undefined) return { kind: 'HUMAN', id: 'labelstudio:user:unknown' };
  const id = typeof user === 'object' ? user.id : user;
  return { kind: 'HUMAN', id: `labelstudio:user:${id}` };
}

function taskOf(result: Record<string, unknown>[]): string {
  const type = result.find((region) => typeof region.type === 'string')?.type as string | undefined;
  if (!type) return 'annotation';
  return taskOfResultType[type] ?? type;
}
