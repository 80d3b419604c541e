import 'reflect-metadata';
import { Controller, Get, Module, Param } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Test } from '@nestjs/testing';
import { prometheusSample } from '@strata/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Observability, ObservabilityModule, StrataMetrics, type ReadinessCheck } from './index';

const up = (name: string): ReadinessCheck => ({ name, check: async () => ({ answered: true }) });
const down = (name: string, reason: string): ReadinessCheck => ({
  name,
  check: async () => {
    throw new Error(reason);
  },
});
const hanging = (name: string): ReadinessCheck => ({ name, check: () => new Promise(() => undefined) });

@Controller('things')
class ThingsController {
  @Get(':thingId')
  get(@Param('thingId') thingId: string) {
    return { thingId };
  }
}

@Module({ controllers: [ThingsController] })
class ThingsModule {}

const apps: NestFastifyApplication[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function appWith(observability: Observability): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [ObservabilityModule.forRoot(observability), ThingsModule],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: false,
  });
  apps.push(app);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('ObservabilityModule', () => {
  it('answers liveness without consulting dependencies', async () => {
    const app = await appWith(new Observability({ service: 'gateway', checks: [down('kafka', 'refused')] }));
    const response = await app.inject({ method: 'GET', url: '/health/live' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 'ok', service: 'gateway' });
  });

  it('is ready when every check is up, with each check in the report', async () => {
    const observability = new Observability({ service: 'query-api', checks: [up('kafka'), up('postgres')] });
    const response = await (await appWith(observability)).inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'ready',
      service: 'query-api',
      checks: { kafka: { status: 'up', detail: { answered: true } }, postgres: { status: 'up' } },
    });
  });

  it('answers 503 naming the failing and the hung check', async () => {
    const observability = new Observability({
      service: 'projector',
      checks: [up('postgres'), down('kafka', 'Connection refused'), hanging('schemaRegistry')],
      checkTimeoutMs: 50,
    });
    const response = await (await appWith(observability)).inject({ method: 'GET', url: '/health/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({
      status: 'not ready',
      checks: {
        postgres: { status: 'up' },
        kafka: { status: 'down', error: 'Connection refused' },
        schemaRegistry: { status: 'down', error: 'no answer within 50 ms' },
      },
    });
  });

  it('serves the Strata metric families and process metrics labelled by service', async () => {
    const observability = new Observability({ service: 'gateway' });
    observability.metrics.eventsIngested.inc({ topic: 'strata.items' }, 3);
    const response = await (await appWith(observability)).inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const family of [
      'strata_consumer_lag',
      'strata_events_projected_total',
      'strata_projection_batch_seconds',
      'strata_dead_letters_total',
      'strata_http_request_duration_seconds',
      'strata_events_ingested_total',
    ]) {
      expect(response.body).toContain(`# TYPE ${family} `);
    }
    expect(prometheusSample(response.body, 'strata_events_ingested_total', { service: 'gateway' })).toBe(3);
    expect(
      prometheusSample(response.body, 'process_resident_memory_bytes', { service: 'gateway' }),
    ).toBeGreaterThan(0);
  });

  it('records request durations by route template, method and status', async () => {
    const observability = new Observability({ service: 'query-api', processMetrics: false });
    const app = await appWith(observability);
    await app.inject({ method: 'GET', url: '/things/1' });
    await app.inject({ method: 'GET', url: '/things/2' });
    await app.inject({ method: 'GET', url: '/no/such/route' });
    const text = await observability.metrics.text();
    const requests = (route: string, status: string) =>
      prometheusSample(text, 'strata_http_request_duration_seconds_count', { method: 'GET', route, status });
    expect(requests('/things/:thingId', '200')).toBe(2);
    expect(requests('unmatched', '404')).toBe(1);
  });

  it('gives every app its own registry, so two services share a process without clashes', async () => {
    const gateway = new Observability({ service: 'gateway' });
    const projector = new Observability({ service: 'projector' });
    await appWith(gateway);
    await appWith(projector);
    gateway.metrics.eventsIngested.inc({ topic: 'strata.items' });
    expect(prometheusSample(await projector.metrics.text(), 'strata_events_ingested_total')).toBeUndefined();
    expect(
      prometheusSample(await gateway.metrics.text(), 'strata_events_ingested_total', { service: 'gateway' }),
    ).toBe(1);
  });

  it('lets the app inject StrataMetrics anywhere', async () => {
    const observability = new Observability({ service: 'gateway', processMetrics: false });
    const app = await appWith(observability);
    expect(app.get(StrataMetrics)).toBe(observability.metrics);
  });

  it('closes the checks when the application closes', async () => {
    let closed = 0;
    const check: ReadinessCheck = { ...up('kafka'), close: async () => void closed++ };
    const app = await appWith(new Observability({ service: 'gateway', checks: [check] }));
    await app.close();
    apps.splice(apps.indexOf(app), 1);
    expect(closed).toBe(1);
  });

  it('documents its endpoints in the OpenAPI document', async () => {
    const app = await appWith(new Observability({ service: 'gateway', processMetrics: false }));
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().setTitle('test').build());
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/health/live', '/health/ready', '/metrics']),
    );
    expect(document.paths['/health/ready'].get?.responses).toHaveProperty('503');
    expect(document.components?.schemas).toHaveProperty('CheckResultDto');
  });
});
