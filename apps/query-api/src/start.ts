import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { defaultServiceLimits, type ServiceLimits } from './common/limits';
import { PinoNestLogger } from './common/nest-logger';
import { clientErrorAnswer, ProblemFilter } from './common/problem.filter';
import { Observability, ObservabilityModule, postgresReadinessCheck } from '@strata/observability';
import { createQueryApiDependencies, type QueryApiConnectionOptions } from './dependencies';
import type { QueryApiDependencies } from './ports';
import { setUpExplorer } from './explorer/explorer';
import { setUpOpenApi } from './openapi';
import { QueryApiModule } from './query-api.module';
import {
  SnapshotsService,
  type CreateReleaseRequest,
  type FrozenRelease,
} from './services/snapshots.service';

export interface StartQueryApiOptions extends QueryApiConnectionOptions {
  /** Port to listen on; default config.apiPort. 0 picks a free port (tests, benchmarks). */
  port?: number;
  /** Interface to listen on; default 0.0.0.0. */
  host?: string;
}

export interface RunningQueryApi {
  /** Base URL, e.g. http://127.0.0.1:3000 */
  url: string;
  close(): Promise<void>;
}

/**
 * Builds the Nest application over the given dependencies, with /health/live, /health/ready and
 * /metrics, without listening.
 */
export async function createQueryApiApp(
  dependencies: QueryApiDependencies,
  limits: ServiceLimits = defaultServiceLimits,
): Promise<NestFastifyApplication> {
  const observability = new Observability({
    service: 'query-api',
    checks: [postgresReadinessCheck(dependencies.knex)],
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    QueryApiModule.with(dependencies, [ObservabilityModule.forRoot(observability)]),
    new FastifyAdapter({
      bodyLimit: limits.bodyLimitBytes,
      requestTimeout: limits.requestTimeoutMs,
      connectionTimeout: limits.connectionTimeoutMs,
      // Node checks request timeouts every connectionsCheckingInterval (30 s by default).
      http: { connectionsCheckingInterval: Math.min(30_000, Math.ceil(limits.requestTimeoutMs / 4)) },
      clientErrorHandler: clientErrorAnswer(limits),
    }),
    { logger: new PinoNestLogger(dependencies.logger) },
  );
  app.useGlobalFilters(new ProblemFilter(dependencies.logger, limits));
  setUpOpenApi(app);
  setUpExplorer(app, dependencies.logger);
  await app.init();
  return app;
}

/**
 * Starts the query API (REST over the live views, OpenAPI at /docs and /openapi.json). `strata up`
 * embeds it; `strata query-api` runs it alone. Kafka is only needed to freeze releases.
 */
export async function startQueryApi(options: StartQueryApiOptions): Promise<RunningQueryApi> {
  const { dependencies, limits, close: closeDependencies } = createQueryApiDependencies(options);
  try {
    const app = await createQueryApiApp(dependencies, limits);
    await app.listen({ port: options.port ?? options.config.apiPort, host: options.host ?? '0.0.0.0' });
    const { port } = app.getHttpServer().address() as AddressInfo;
    const host = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    options.logger.info({ url, docs: `${url}/docs` }, 'query API listening');
    return {
      url,
      close: async () => {
        await app.close();
        await closeDependencies();
      },
    };
  } catch (error) {
    await closeDependencies();
    throw error;
  }
}

/**
 * Freezes one release through the same SnapshotsService the HTTP endpoint uses, without an HTTP
 * server (`strata snapshot create`).
 */
export async function freezeRelease(
  options: QueryApiConnectionOptions,
  request: CreateReleaseRequest,
): Promise<FrozenRelease> {
  const { dependencies, close } = createQueryApiDependencies(options);
  try {
    const context = await NestFactory.createApplicationContext(QueryApiModule.with(dependencies), {
      logger: new PinoNestLogger(dependencies.logger),
    });
    try {
      return await context.get(SnapshotsService).create(request);
    } finally {
      await context.close();
    }
  } finally {
    await close();
  }
}
