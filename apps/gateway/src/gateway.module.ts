import { Module, type DynamicModule } from '@nestjs/common';
import { API_KEY_ACCESS, ApiKeyGuard, type ApiKeyVerifier, type KeyRateLimiter } from '@strata/auth';
import { ObservabilityModule, type Observability } from '@strata/observability';
import type { EventEncoder, EventSink } from '@strata/sdk';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { DocsController } from './docs.controller';
import { EVENT_CHECKS, type EventChecks } from './events/event-batch';
import { EventsController } from './events/events.controller';
import {
  EVENT_ENCODER,
  EVENT_SINK,
  INGEST_LIMITS,
  IngestService,
  type IngestLimits,
} from './events/ingest.service';
import { AnnotationHistoryCache } from './label-studio/annotation-history';
import { ANNOTATION_HISTORY, LabelStudioController } from './label-studio/label-studio.controller';
import { OpenLineageController } from './openlineage/openlineage.controller';

/** Everything the gateway talks to, made by `startGateway` (or a test) and handed in. */
export interface GatewayDependencies {
  logger: Logger;
  encoder: EventEncoder;
  sink: EventSink;
  keys: Pick<ApiKeyVerifier, 'verify'>;
  /** Requests per API key; absent: unlimited. */
  rateLimiter?: KeyRateLimiter;
  checks: EventChecks;
  limits: IngestLimits;
  /** Health (/health/live, /health/ready) and /metrics. */
  observability: Observability;
}

@Module({})
export class GatewayModule {
  static register(dependencies: GatewayDependencies): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        ObservabilityModule.forRoot(dependencies.observability),
        LoggerModule.forRoot({
          pinoHttp: {
            logger: dependencies.logger,
            // Never log credentials.
            redact: ['req.headers.authorization', 'req.headers["x-api-key"]'],
          },
        }),
      ],
      controllers: [EventsController, OpenLineageController, LabelStudioController, DocsController],
      providers: [
        IngestService,
        ApiKeyGuard,
        { provide: EVENT_ENCODER, useValue: dependencies.encoder },
        { provide: EVENT_SINK, useValue: dependencies.sink },
        {
          provide: API_KEY_ACCESS,
          useValue: { keys: dependencies.keys, rateLimiter: dependencies.rateLimiter },
        },
        { provide: EVENT_CHECKS, useValue: dependencies.checks },
        { provide: INGEST_LIMITS, useValue: dependencies.limits },
        { provide: ANNOTATION_HISTORY, useValue: new AnnotationHistoryCache() },
      ],
    };
  }
}
