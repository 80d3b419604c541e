import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { Observability } from '../observability';

/**
 * Records strata_http_request_duration_seconds from a Fastify onResponse hook rather than a Nest
 * interceptor: the hook also sees requests that guards reject, that fail validation or match no
 * route, which an interceptor never does.
 */
@Injectable()
export class HttpMetricsRecorder implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly observability: Observability,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    // An application context (no HTTP server) has nothing to measure.
    if (!adapter) return;
    if (adapter.getType() !== 'fastify') {
      throw new Error(`ObservabilityModule records HTTP metrics on Fastify only, not ${adapter.getType()}`);
    }
    const histogram = this.observability.metrics.httpRequestDuration;
    adapter.getInstance<FastifyInstance>().addHook('onResponse', async (request, reply) => {
      histogram.observe(
        {
          method: request.method,
          // The route template (/v1/items/:itemId), never the raw URL: one series per route, not per id.
          route: request.routeOptions.url ?? 'unmatched',
          status: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
    });
  }
}
