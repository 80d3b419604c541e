import { Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { StrataMetrics } from '../metrics';
import { Observability } from '../observability';
import { HealthController } from './health.controller';
import { HttpMetricsRecorder } from './http-metrics.recorder';
import { MetricsController } from './metrics.controller';

@Injectable()
class ObservabilityCloser implements OnApplicationShutdown {
  constructor(private readonly observability: Observability) {}

  async onApplicationShutdown(): Promise<void> {
    await this.observability.close();
  }
}

/**
 * GET /health/live, /health/ready and /metrics for a Nest (Fastify) service, plus the HTTP latency
 * histogram. Global, so any provider of the app can inject StrataMetrics to count its events.
 *
 *   const observability = new Observability({ service: 'gateway', checks: [kafkaReadinessCheck(kafka), …] });
 *   imports: [ObservabilityModule.forRoot(observability)]
 *
 * The module closes the observability (its checks' connections) when the application closes.
 */
@Module({})
export class ObservabilityModule {
  static forRoot(observability: Observability): DynamicModule {
    return {
      module: ObservabilityModule,
      global: true,
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: Observability, useValue: observability },
        { provide: StrataMetrics, useValue: observability.metrics },
        ObservabilityCloser,
        HttpMetricsRecorder,
      ],
      exports: [Observability, StrataMetrics],
    };
  }
}
