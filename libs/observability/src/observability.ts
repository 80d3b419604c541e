import type { Logger } from 'pino';
import { StrataMetrics } from './metrics';
import { runReadinessChecks, type ReadinessCheck, type ReadinessReport } from './readiness';

export interface ObservabilityOptions {
  /** `gateway`, `projector`, `query-api`, …: the `service` label and the name in health reports. */
  service: string;
  /** What /health/ready verifies; none means ready as soon as the process serves. */
  checks?: ReadinessCheck[];
  /** Longest a single check may take before it counts as down; default 2000 ms. */
  checkTimeoutMs?: number;
  /** Node.js process metrics; default true. */
  processMetrics?: boolean;
  logger?: Logger;
}

export interface LivenessReport {
  status: 'ok';
  service: string;
  uptimeSeconds: number;
}

/**
 * Health and metrics of one service instance, independent of how they are served: the Nest module
 * (ObservabilityModule) and the plain HTTP server (startObservabilityServer) both answer from here.
 */
export class Observability {
  readonly service: string;
  readonly metrics: StrataMetrics;
  private readonly checks: ReadinessCheck[];
  private readonly checkTimeoutMs: number;
  private readonly startedAt = Date.now();

  constructor(options: ObservabilityOptions) {
    this.service = options.service;
    this.checks = [...(options.checks ?? [])];
    this.checkTimeoutMs = options.checkTimeoutMs ?? 2000;
    this.metrics = new StrataMetrics({
      service: options.service,
      processMetrics: options.processMetrics,
      logger: options.logger,
    });
  }

  /** The process is alive and serving; never looks at dependencies (a restart would not fix them). */
  liveness(): LivenessReport {
    return {
      status: 'ok',
      service: this.service,
      uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000),
    };
  }

  readiness(): Promise<ReadinessReport> {
    return runReadinessChecks(this.service, this.checks, this.checkTimeoutMs);
  }

  /** Closes the checks' and lag sources' connections. */
  async close(): Promise<void> {
    await Promise.all([...this.checks.map((check) => check.close?.()), this.metrics.close()]);
  }
}

/** 200 when ready, 503 otherwise: what load balancers and orchestrators act on. */
export function readinessStatusCode(report: ReadinessReport): 200 | 503 {
  return report.status === 'ready' ? 200 : 503;
}
