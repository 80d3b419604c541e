import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Principal } from '@strata/auth';
import { routeOf, type StrataEvent } from '@strata/contracts';
import { Observability } from '@strata/observability';
import { ProduceError, type EncodedEvent, type EventSink } from '@strata/sdk';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGatewayApp } from './app';
import { eventModelChecks } from './events/event-model-checks';
import { startWithSingleInput } from './openlineage/spec-examples';

/**
 * The HTTP behaviour of the gateway with its I/O replaced: a sink that records batches (or fails like
 * an unreachable broker), an encoder that needs no registry, keys from a table. The same paths run
 * against a real broker and registry in test/gateway.
 */
class RecordingSink implements EventSink {
  batches: EncodedEvent[][] = [];
  down = false;

  async sendBatch(events: EncodedEvent[]) {
    if (this.down) throw new ProduceError('connect ECONNREFUSED 127.0.0.1:9092');
    this.batches.push(events);
    return events.map((event, index) => ({
      eventId: event.eventId,
      topic: event.topic,
      partition: 0,
      offset: String(index),
    }));
  }

  async close() {}
}

const principals: Record<string, Principal> = {
  'stk-admin': { keyId: 'a', name: 'admin', scopes: ['admin'], namespaces: ['*'] },
  'stk-vision': { keyId: 'v', name: 'vision-writer', scopes: ['write'], namespaces: ['vision'] },
  'stk-reader': { keyId: 'r', name: 'reader', scopes: ['read'], namespaces: ['*'] },
};

const sink = new RecordingSink();
let app: NestFastifyApplication;

beforeAll(async () => {
  app = await createGatewayApp(
    {
      logger: pino({ level: 'silent' }),
      encoder: {
        encode: async (event: StrataEvent) => ({
          ...routeOf(event),
          value: Buffer.from(JSON.stringify(event.event)),
        }),
      },
      sink,
      keys: { verify: async (key) => principals[key] },
      checks: eventModelChecks,
      limits: { maxEventBytes: 1_000_000 },
      observability: new Observability({ service: 'gateway-spec', processMetrics: false }),
    },
    { bodyLimitBytes: 64 * 1024 },
  );
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
});

afterAll(async () => {
  await app?.close();
});

beforeEach(() => {
  sink.batches = [];
  sink.down = false;
});

function labelCreated(namespace = 'vision') {
  return {
    type: 'LabelCreated',
    event: {
      envelope: {
        eventId: crypto.randomUUID(),
        eventTime: Date.now(),
        namespace,
        producer: { name: 'spec', version: '1' },
        actor: { kind: 'HUMAN', id: 'alice' },
      },
      itemId: 'img-1',
      labelId: crypto.randomUUID(),
      task: 'class',
      payload: '{"class":"car"}',
      author: { kind: 'HUMAN', id: 'alice' },
    },
  };
}

async function post(url: string, payload: unknown, key: string | null = 'stk-admin') {
  const response = await app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
  return { status: response.statusCode, body: response.json() as Record<string, unknown> };
}

describe('gateway HTTP behaviour', () => {
  it('sends a valid batch as one batch and answers with a result per event', async () => {
    const response = await post('/v1/events', [labelCreated(), labelCreated()]);
    expect(response.status).toBe(200);
    expect(response.body.results).toMatchObject([
      { index: 0, status: 'written', topic: 'strata.items', offset: '0' },
      { index: 1, status: 'written', topic: 'strata.items', offset: '1' },
    ]);
    expect(sink.batches).toHaveLength(1);
  });

  it('answers 400 naming the problem for malformed JSON, and sends nothing', async () => {
    const response = await post('/v1/events', '[{"type": ');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ issues: [{ index: -1, field: '(body)' }] });
    expect(String(response.body.message)).toMatch(/JSON/);
    expect(sink.batches).toEqual([]);
  });

  it('refuses NUL in a text field (PostgreSQL could never store it), naming the field, and sends nothing', async () => {
    const event = labelCreated();
    event.event.itemId = 'img\u00001';
    const response = await post('/v1/events', [labelCreated(), event]);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      issues: [{ index: 1, field: 'event.itemId', message: expect.stringMatching(/NUL/) }],
    });
    expect(sink.batches).toEqual([]);
  });

  it('refuses NUL in an OpenLineage payload too (it maps to events), and sends nothing', async () => {
    const withNul = structuredClone(startWithSingleInput);
    withNul.job.name = 'taxes\u0000daily';
    const response = await post('/api/v1/lineage?namespace=vision', withNul, 'stk-vision');
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toMatch(/NUL/);
    expect(sink.batches).toEqual([]);
  });

  it('answers 413 for a body over the limit, and sends nothing', async () => {
    const response = await post(
      '/v1/events',
      Array.from({ length: 200 }, () => labelCreated()),
    );
    expect(response.status).toBe(413);
    expect(String(response.body.message)).toMatch(/65536/);
    expect(sink.batches).toEqual([]);
  });

  it('answers 503 when Kafka does not acknowledge, with nothing partially written', async () => {
    sink.down = true;
    const response = await post('/v1/events', [labelCreated(), labelCreated()]);
    expect(response.status).toBe(503);
    expect(String(response.body.message)).toMatch(
      /Kafka is unavailable.*nothing|no event of this request was acknowledged/,
    );
  });

  it('authenticates (401) and authorizes scope and namespace (403) before sending', async () => {
    expect((await post('/v1/events', [labelCreated()], null)).status).toBe(401);
    expect((await post('/v1/events', [labelCreated()], 'stk-unknown')).status).toBe(401);
    expect((await post('/v1/events', [labelCreated()], 'stk-reader')).status).toBe(403);
    const wrongNamespace = await post(
      '/v1/events',
      [labelCreated('vision'), labelCreated('audio')],
      'stk-vision',
    );
    expect(wrongNamespace.status).toBe(403);
    expect(String(wrongNamespace.body.message)).toContain('event 1');
    expect(sink.batches).toEqual([]);
  });

  it('maps OpenLineage events and authorizes their namespace too', async () => {
    const allowed = await post('/api/v1/lineage?namespace=vision', startWithSingleInput, 'stk-vision');
    expect(allowed.status).toBe(200);
    expect(sink.batches[0].map((event) => event.topic)).toEqual(['strata.runs', 'strata.runs']);
    expect((await post('/api/v1/lineage', startWithSingleInput, 'stk-vision')).status).toBe(403);
  });

  it('exposes health and metrics', async () => {
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    await post('/v1/events', [labelCreated()]);
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/strata_events_ingested_total\{[^}]*topic="strata.items"[^}]*\} \d+/);
  });
});
