import type { StrataEvent } from '@strata/contracts';
import { describe, expect, it } from 'vitest';
import {
  mapLabelStudioWebhook,
  type AnnotationHistory,
  type LabelStudioContext,
} from './label-studio.mapping';

/** Shaped after Label Studio's webhook reference ("Annotation Created" / "Annotation Updated"). */
const project = { id: 2, title: 'New Project #2', label_config: '<View/>' };
const created = {
  action: 'ANNOTATION_CREATED',
  annotation: {
    id: 17,
    result: [
      {
        value: { start: 0, end: 26, text: 'Opossums are op', labels: ['Answer'] },
        id: 'WArqkkifYE',
        from_name: 'answer',
        to_name: 'text',
        type: 'labels',
      },
    ],
    was_cancelled: false,
    ground_truth: false,
    created_at: '2021-08-17T13:52:48.536303Z',
    updated_at: '2021-08-17T13:52:48.536370Z',
    lead_time: 37.13,
    prediction: {},
    result_count: 0,
    task: 19,
    completed_by: 1,
  },
  project,
};
const updated = {
  ...created,
  action: 'ANNOTATION_UPDATED',
  annotation: {
    ...created.annotation,
    result: [
      { ...created.annotation.result[0], value: { start: 0, end: 8, text: 'Opossums', labels: ['Answer'] } },
    ],
    updated_at: '2021-09-20T08:00:00.000000Z',
  },
};

const labelIdOf = (event: StrataEvent) => (event.event as { labelId: string }).labelId;

/** A context over an in-memory history, updated the way the gateway does after an acknowledged send. */
function memoryContext(namespace = 'nlp') {
  const histories = new Map<string, AnnotationHistory>();
  const context: LabelStudioContext = { namespace, historyOf: (key) => histories.get(key) };
  const map = (payload: unknown) => {
    const mapping = mapLabelStudioWebhook(payload, context);
    for (const [key, history] of mapping.histories) histories.set(key, history);
    if (!mapping.result.ok) throw new Error(JSON.stringify(mapping.result.issues));
    return mapping.result;
  };
  return { map, histories };
}

describe('mapLabelStudioWebhook', () => {
  it('maps ANNOTATION_CREATED to a human LabelCreated on the task item', () => {
    const { events } = memoryContext().map(created);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'LabelCreated',
      event: {
        itemId: 'labelstudio:2:task:19',
        task: 'span',
        author: { kind: 'HUMAN', id: 'labelstudio:user:1' },
        tool: 'label-studio',
        envelope: { namespace: 'nlp', eventTime: Date.parse('2021-08-17T13:52:48.536303Z') },
      },
    });
    const payload = JSON.parse((events[0].event as { payload: string }).payload);
    expect(payload.result[0].value.labels).toEqual(['Answer']);
    expect(payload.labelStudio).toEqual({
      projectId: 2,
      taskId: 19,
      annotationId: 17,
      leadTimeSeconds: 37.13,
    });
  });

  it('maps ANNOTATION_UPDATED to a correction of the previous version', () => {
    const session = memoryContext();
    const [label] = session.map(created).events;
    const [correction] = session.map(updated).events;
    expect(correction.type).toBe('LabelCorrected');
    expect(correction.event).toMatchObject({ parents: [labelIdOf(label)], itemId: 'labelstudio:2:task:19' });
  });

  it('chains a correction onto the created version even when the creation was never seen', () => {
    const [label] = memoryContext().map(created).events;
    const [correction] = memoryContext().map(updated).events;
    expect(correction.event).toMatchObject({ parents: [labelIdOf(label)] });
  });

  it('is idempotent: a retried webhook gives identical events', () => {
    const session = memoryContext();
    expect(session.map(created)).toEqual(session.map(created));
    const first = session.map(updated);
    expect(session.map(updated)).toEqual(first);
    const second = session.map({
      ...updated,
      annotation: { ...updated.annotation, updated_at: '2021-10-01T00:00:00Z' },
    });
    expect(second.events[0].event).toMatchObject({ parents: [labelIdOf(first.events[0])] });
  });

  it('takes the item id from the task data when Label Studio sends it', () => {
    const { events } = memoryContext().map({
      ...created,
      task: { id: 19, data: { strata_item_id: 'img-0042' } },
    });
    expect(events[0].event).toMatchObject({ itemId: 'img-0042' });
  });

  it('retracts every version of a deleted annotation, newest first', () => {
    const session = memoryContext();
    session.map(created);
    session.map(updated);
    const deleted = session.map({
      action: 'ANNOTATIONS_DELETED',
      annotations: [{ id: 17 }, { id: 99 }],
      project,
    });
    const labelIds = session.histories.get('2/17')!.labelIds;
    expect(deleted.events.map((event) => [event.type, labelIdOf(event)])).toEqual([
      ['LabelRetracted', labelIds[1]],
      ['LabelRetracted', labelIds[0]],
    ]);
    expect(deleted.ignored).toContain('99');
  });

  it('ignores skipped (cancelled) annotations', () => {
    const result = memoryContext().map({
      ...created,
      annotation: { ...created.annotation, was_cancelled: true },
    });
    expect(result.events).toEqual([]);
  });

  it('names the offending field of a malformed payload', () => {
    const mapping = mapLabelStudioWebhook(
      { ...created, annotation: { ...created.annotation, id: 'seventeen' } },
      { namespace: 'nlp', historyOf: () => undefined },
    );
    expect(mapping.result.ok ? [] : mapping.result.issues.map((issue) => issue.field)).toEqual([
      'annotation.id',
    ]);
    const unknownAction = mapLabelStudioWebhook(
      { action: 'PROJECT_CREATED', project },
      { namespace: 'nlp', historyOf: () => undefined },
    );
    expect(unknownAction.result.ok ? [] : unknownAction.result.issues.map((issue) => issue.field)).toEqual([
      'action',
    ]);
  });
});
