import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StrataEvent } from '@strata/contracts';
import { Topics } from '@strata/kafka';
import {
  completeWithDatasetFacets,
  failWithErrorMessage,
  loadTaskComplete,
  startWithRunAndJobFacets,
  startWithSingleInput,
} from '../../apps/gateway/src/openlineage/spec-examples';
import { readTopic } from '../sdk/support/topic-reader';
import { logger, startGatewayFixture, type GatewayFixture } from './support/gateway-fixture';

let fixture: GatewayFixture;

beforeAll(async () => {
  fixture = await startGatewayFixture('gateway_integrations');
});

afterAll(async () => {
  await fixture?.stop();
});

const eventsOn = async (topic: string, key: string): Promise<StrataEvent[]> =>
  (await readTopic(fixture.stack.brokers, fixture.stack.registryUrl, topic, logger))
    .filter((record) => record.key === key)
    .map((record) => record.event);

describe('OpenLineage endpoints', () => {
  it('records the spec’s example run (START, then COMPLETE with dataset facets) as a run with steps', async () => {
    const start = await fixture.post('/api/v1/lineage', startWithSingleInput);
    expect(start.status).toBe(200);
    expect(start.body.events.map((event) => event.type)).toEqual(['RunStarted', 'TransformationApplied']);
    const complete = await fixture.post('/api/v1/lineage', completeWithDatasetFacets);
    expect(complete.status).toBe(200);

    const runEvents = await eventsOn(Topics.runs, startWithSingleInput.run.runId);
    expect(runEvents.map((event) => event.type)).toEqual([
      'RunStarted',
      'TransformationApplied',
      'TransformationApplied',
      'RunCompleted',
    ]);
    expect(runEvents[1].event).toMatchObject({
      inputs: [{ kind: 'DATASET', id: 'postgres://workshop-db:None/workshop.public.taxes', version: null }],
    });
    expect(runEvents[2].event).toMatchObject({
      outputs: [
        { kind: 'DATASET', id: 'postgres://workshop-db:None/workshop.public.unpaid_taxes', version: '1' },
      ],
    });
    expect(runEvents[3].event).toMatchObject({ status: 'COMPLETED' });
  });

  it('records a batch with parent runs, source code versions and failures, all or nothing', async () => {
    const childStart = {
      ...startWithRunAndJobFacets,
      run: { ...startWithRunAndJobFacets.run, runId: '8c2f4b1e-2a3d-4e5f-9a0b-1c2d3e4f5a6b' },
    };
    const response = await fixture.post('/api/v1/lineage/batch', [
      childStart,
      { ...loadTaskComplete, eventType: 'START', outputs: [], inputs: [] },
      loadTaskComplete,
      { ...failWithErrorMessage, run: { ...failWithErrorMessage.run, runId: childStart.run.runId } },
    ]);
    expect(response.status).toBe(200);
    const child = await eventsOn(Topics.runs, childStart.run.runId);
    expect(child[0].event).toMatchObject({
      parentRunId: '1ba6fdaa-fb80-36ce-9c5b-295f544ec462',
      codeVersion: '693e35482bc2e526ced2b5f9f76ef83dec6ec691',
    });
    expect(child.at(-1)?.event).toMatchObject({ status: 'FAILED', error: 'division by zero' });
    const load = await eventsOn(Topics.runs, loadTaskComplete.run.runId);
    expect(load[0].event).toMatchObject({ parentRunId: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' });
    expect(load.map((event) => event.type)).toEqual(['RunStarted', 'TransformationApplied', 'RunCompleted']);

    const invalid = await fixture.post('/api/v1/lineage/batch', [
      startWithSingleInput,
      { ...startWithSingleInput, run: { runId: 'x' } },
    ]);
    expect(invalid.status).toBe(400);
    expect(invalid.body.issues).toEqual([{ index: 1, field: 'run.runId', message: 'must be a UUID' }]);
  });
});

describe('Label Studio webhook', () => {
  const project = { id: 7, title: 'Street scenes' };
  const annotation = {
    id: 4242,
    result: [
      { id: 'r1', type: 'choices', from_name: 'class', to_name: 'image', value: { choices: ['car'] } },
    ],
    was_cancelled: false,
    ground_truth: false,
    created_at: '2026-01-10T10:00:00.000000Z',
    updated_at: '2026-01-10T10:00:00.000100Z',
    lead_time: 12.5,
    task: 99,
    completed_by: 3,
  };

  it('maps created and updated annotations onto a label and its correction, idempotently', async () => {
    const created = await fixture.post('/v1/webhooks/label-studio?namespace=vision', {
      action: 'ANNOTATION_CREATED',
      annotation,
      project,
    });
    expect(created.status).toBe(200);
    const retried = await fixture.post('/v1/webhooks/label-studio?namespace=vision', {
      action: 'ANNOTATION_CREATED',
      annotation,
      project,
    });
    expect(retried.body.events[0].eventId).toBe(created.body.events[0].eventId);
    const updated = await fixture.post('/v1/webhooks/label-studio?namespace=vision', {
      action: 'ANNOTATION_UPDATED',
      annotation: {
        ...annotation,
        updated_at: '2026-03-01T09:00:00Z',
        result: [{ ...annotation.result[0], value: { choices: ['truck'] } }],
      },
      project,
    });
    expect(updated.status).toBe(200);

    const events = await eventsOn(Topics.items, 'labelstudio:7:task:99');
    const [label, , correction] = events;
    expect(label).toMatchObject({
      type: 'LabelCreated',
      event: { task: 'class', author: { kind: 'HUMAN', id: 'labelstudio:user:3' } },
    });
    expect(correction).toMatchObject({
      type: 'LabelCorrected',
      event: { parents: [(label.event as { labelId: string }).labelId] },
    });
  });

  it('needs a namespace and a supported action', async () => {
    expect(
      (await fixture.post('/v1/webhooks/label-studio', { action: 'ANNOTATION_CREATED', annotation, project }))
        .status,
    ).toBe(400);
    const unsupported = await fixture.post('/v1/webhooks/label-studio?namespace=vision', {
      action: 'PROJECT_UPDATED',
      project,
    });
    expect(unsupported.status).toBe(400);
    expect(unsupported.body.issues[0].field).toBe('action');
  });
});
