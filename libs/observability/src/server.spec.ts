import { prometheusSample } from '@strata/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Observability, startObservabilityServer, type RunningObservabilityServer } from './index';

const servers: RunningObservabilityServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(observability: Observability): Promise<RunningObservabilityServer> {
  const server = await startObservabilityServer(observability, { port: 0, host: '127.0.0.1' });
  servers.push(server);
  return server;
}

describe('startObservabilityServer', () => {
  it('serves the same health answers as the Nest module', async () => {
    const { url } = await serve(
      new Observability({
        service: 'projector',
        checks: [
          { name: 'postgres', check: async () => undefined },
          {
            name: 'kafka',
            check: async () => {
              throw new Error('Connection refused');
            },
          },
        ],
      }),
    );
    const live = await fetch(`${url}/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ status: 'ok', service: 'projector' });

    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      status: 'not ready',
      checks: { postgres: { status: 'up' }, kafka: { status: 'down', error: 'Connection refused' } },
    });
  });

  it('serves Prometheus metrics of its own registry', async () => {
    const observability = new Observability({ service: 'projector' });
    observability.metrics.eventsProjected.inc({ projection: 'labels', topic: 'strata.items' }, 5);
    const response = await fetch(`${(await serve(observability)).url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(
      prometheusSample(text, 'strata_events_projected_total', { projection: 'labels', service: 'projector' }),
    ).toBe(5);
  });

  it('answers 404 elsewhere and 405 to anything but GET', async () => {
    const { url } = await serve(new Observability({ service: 'projector', processMetrics: false }));
    expect((await fetch(`${url}/elsewhere`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});
