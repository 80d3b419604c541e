import { describe, expect, it } from 'vitest';
import { mapOpenLineageEvent } from './openlineage.mapping';
import {
  completeWithDatasetFacets,
  completeWithSingleOutput,
  failWithErrorMessage,
  loadTaskComplete,
  startWithRunAndJobFacets,
  startWithSingleInput,
} from './spec-examples';

const context = { actorId: 'airflow-key' };

function eventsOf(raw: unknown, namespace?: string) {
  const result = mapOpenLineageEvent(raw, { ...context, namespace });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.events;
}

describe('mapOpenLineageEvent', () => {
  it('maps the spec START example to RunStarted plus a step reading its input dataset', () => {
    const [started, step] = eventsOf(startWithSingleInput);
    expect(started).toMatchObject({
      type: 'RunStarted',
      event: {
        runId: 'd46e465b-d358-4d32-83d4-df660ff614dd',
        job: { namespace: 'workshop', name: 'process_taxes' },
        parentRunId: null,
        codeVersion: null,
        envelope: {
          namespace: 'workshop',
          eventTime: Date.parse('2020-12-28T19:52:00.001+10:00'),
          producer: { name: startWithSingleInput.producer, version: '1-0-0' },
          actor: { kind: 'SERVICE', id: 'airflow-key' },
        },
      },
    });
    expect(step).toMatchObject({
      type: 'TransformationApplied',
      event: {
        runId: 'd46e465b-d358-4d32-83d4-df660ff614dd',
        operation: { name: 'process_taxes', version: 'unversioned' },
        inputs: [{ kind: 'DATASET', id: 'postgres://workshop-db:None/workshop.public.taxes', version: null }],
        outputs: [],
      },
    });
  });

  it('maps the spec COMPLETE example to a step writing its output and RunCompleted', () => {
    const events = eventsOf(completeWithSingleOutput);
    expect(events.map((event) => event.type)).toEqual(['TransformationApplied', 'RunCompleted']);
    expect(events[1].event).toMatchObject({ status: 'COMPLETED', error: null });
  });

  it('reads the parent run facet (either name) and the source code location', () => {
    const [started] = eventsOf(startWithRunAndJobFacets);
    expect(started.type).toBe('RunStarted');
    if (started.type !== 'RunStarted') return;
    expect(started.event.parentRunId).toBe('1ba6fdaa-fb80-36ce-9c5b-295f544ec462');
    expect(started.event.codeVersion).toBe('693e35482bc2e526ced2b5f9f76ef83dec6ec691');
    const parameters = JSON.parse(started.event.parameters);
    expect(parameters.jobFacets.sql.query).toContain('INSERT into taxes');
    expect(parameters.runFacets.parentRun).toBeUndefined();
    expect(parameters.runFacets.nominalTime.nominalStartTime).toBe('2022-07-29T14:14:31.458067Z');
  });

  it('takes the dataset version facet as the artifact version and output statistics as counts', () => {
    const [step] = eventsOf(completeWithDatasetFacets);
    expect(step.event).toMatchObject({ outputs: [{ version: '1' }] });
    const [loadStep] = eventsOf(loadTaskComplete);
    expect(loadStep.event).toMatchObject({
      inputs: [{ id: 'test://example1.com:443/myDir/Dataset1' }],
      outputs: [{ id: 'inmemory:///Dataset3.Load task' }],
      outputRecords: 42,
      inputRecords: null,
    });
  });

  it('maps FAIL with its error message facet, and ABORT, onto terminal statuses', () => {
    const [failed] = eventsOf(failWithErrorMessage);
    expect(failed.event).toMatchObject({ status: 'FAILED', error: 'division by zero' });
    const [aborted] = eventsOf({
      ...failWithErrorMessage,
      eventType: 'ABORT',
      run: { runId: failWithErrorMessage.run.runId },
    });
    expect(aborted.event).toMatchObject({ status: 'ABORTED', error: 'OpenLineage ABORT event' });
  });

  it('ignores a RUNNING event without datasets rather than inventing events', () => {
    const result = mapOpenLineageEvent(
      { ...startWithSingleInput, eventType: 'RUNNING', inputs: [] },
      context,
    );
    expect(result).toMatchObject({ ok: true, events: [] });
  });

  it('derives the same ids from the same event, so a re-sent event is a duplicate', () => {
    expect(eventsOf(startWithSingleInput)).toEqual(eventsOf(startWithSingleInput));
    const ids = eventsOf(completeWithSingleOutput).map((event) => event.event.envelope.eventId);
    expect(new Set(ids).size).toBe(2);
  });

  it('lets the caller choose the Strata namespace', () => {
    expect(eventsOf(startWithSingleInput, 'tenant-a')[0].event.envelope.namespace).toBe('tenant-a');
  });

  it('names the offending field of a malformed event', () => {
    const result = mapOpenLineageEvent({ ...startWithSingleInput, run: { runId: 'not-a-uuid' } }, context);
    expect(result).toEqual({ ok: false, issues: [{ field: 'run.runId', message: 'must be a UUID' }] });
    const noTime = mapOpenLineageEvent({ ...startWithSingleInput, eventTime: 'yesterday' }, context);
    expect(noTime.ok ? [] : noTime.issues.map((issue) => issue.field)).toEqual(['eventTime']);
  });
});
