import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topics } from '@strata/kafka';
import { readTopic, recordCount } from '../sdk/support/topic-reader';
import { labelCreated, logger, startGatewayFixture, type GatewayFixture } from './support/gateway-fixture';

let fixture: GatewayFixture;

beforeAll(async () => {
  fixture = await startGatewayFixture('gateway_ingest', { bodyLimitBytes: 256 * 1024 });
});

afterAll(async () => {
  await fixture?.stop();
});

const itemsCount = () => recordCount(fixture.stack.brokers, Topics.items, logger);

/** Posts `body` and checks it is refused with `status`, naming `field`, and that nothing was written. */
async function expectRefused(body: unknown, status: number, field: string, headers?: Record<string, string>) {
  const before = await itemsCount();
  const response = await fixture.post('/v1/events', body, headers);
  expect(response.status).toBe(status);
  expect(JSON.stringify(response.body)).toContain(field);
  expect(await itemsCount()).toBe(before);
  return response.body;
}

describe('POST /v1/events', () => {
  it('writes a valid batch and answers with each event’s topic, partition and offset after the broker acknowledged', async () => {
    const events = [labelCreated(), labelCreated(), labelCreated()];
    const response = await fixture.post('/v1/events', events, {
      authorization: `Bearer ${fixture.keys.visionWriter}`,
    });
    expect(response.status).toBe(200);
    expect(response.body.results).toHaveLength(3);
    expect(response.body.results[0]).toMatchObject({
      index: 0,
      status: 'written',
      eventId: events[0].event.envelope.eventId,
      topic: Topics.items,
    });
    const records = await readTopic(fixture.stack.brokers, fixture.stack.registryUrl, Topics.items, logger);
    for (const result of response.body.results) {
      const record = records.find(
        (candidate) => candidate.partition === result.partition && candidate.offset === result.offset,
      );
      expect(record?.event.event.envelope.eventId).toBe(result.eventId);
    }
    expect(
      records.find((record) => record.event.event.envelope.eventId === events[1].event.envelope.eventId)
        ?.event,
    ).toEqual(events[1]);
  });

  it('refuses bad JSON', async () => {
    const body = await expectRefused('[{"type": "LabelCreated", ', 400, '(body)');
    expect(body.message).toMatch(/JSON/i);
  });

  it('refuses an unknown type, naming the index and field', async () => {
    const body = await expectRefused([labelCreated(), { type: 'LabelMade', event: {} }], 400, 'type');
    expect(body.issues).toEqual([expect.objectContaining({ index: 1, field: 'type' })]);
  });

  it('refuses a missing field', async () => {
    const missing = labelCreated();
    delete (missing.event as Partial<typeof missing.event>).itemId;
    const body = await expectRefused([missing], 400, 'event.itemId');
    expect(body.message).toBe('invalid event 0: event.itemId: is required; nothing was written');
  });

  it('refuses a bad uuid', async () => {
    const bad = labelCreated();
    bad.event.labelId = 'label-1';
    await expectRefused([labelCreated(), bad], 400, 'event.labelId');
  });

  it('refuses a correction without parent', async () => {
    const orphan = { type: 'LabelCorrected', event: { ...labelCreated().event, parents: [], reason: null } };
    await expectRefused([orphan], 400, 'event.parents');
  });

  it('refuses oversize input: a JSON field over its limit (400) and a body over the configured limit (413)', async () => {
    const bigPayload = labelCreated();
    bigPayload.event.payload = JSON.stringify({ mask: 'x'.repeat(100_000) });
    await expectRefused([bigPayload], 400, 'event.payload');
    const body = await expectRefused(
      Array.from({ length: 1000 }, () => labelCreated()),
      413,
      'limit',
    );
    expect(body.message).toMatch(/262144/);
  });

  it('writes the valid events of a mixed batch when partial acceptance is asked for', async () => {
    const before = await itemsCount();
    const response = await fixture.post('/v1/events?partial=true', [
      labelCreated(),
      { type: 'Nope', event: {} },
      labelCreated(),
    ]);
    expect(response.status).toBe(200);
    expect(response.body.results.map((result) => result.status)).toEqual(['written', 'rejected', 'written']);
    expect(response.body.results[1].issues[0].field).toBe('type');
    expect(await itemsCount()).toBe(before + 2);
  });

  it('answers 401 without a key or with an unknown one', async () => {
    await expectRefused([labelCreated()], 401, 'API key', {});
    await expectRefused([labelCreated()], 401, 'API key', {
      'x-api-key': 'stk_0000000000000000_' + '0'.repeat(64),
    });
  });

  it('answers 403 for a namespace the key may not write, or a key without the write scope', async () => {
    const writer = { authorization: `Bearer ${fixture.keys.visionWriter}` };
    const body = await expectRefused([labelCreated('vision'), labelCreated('audio')], 403, 'audio', writer);
    expect(body.message).toMatch(/^event 1:/);
    await expectRefused([labelCreated()], 403, 'write scope', { 'x-api-key': fixture.keys.reader });
  });

  it('serves its OpenAPI document and the docs page', async () => {
    const document = (await (await fetch(`${fixture.gateway.url}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/events',
        '/api/v1/lineage',
        '/api/v1/lineage/batch',
        '/v1/webhooks/label-studio',
      ]),
    );
    const docs = await fetch(`${fixture.gateway.url}/docs`);
    expect(await docs.text()).toContain('swagger-ui-bundle.js');
    expect((await fetch(`${fixture.gateway.url}/docs/swagger-ui-bundle.js`)).status).toBe(200);
  });
});
