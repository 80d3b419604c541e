/** What a check may add to its report, e.g. the number of brokers it saw. */
export type ReadinessDetail = Record<string, string | number | boolean | null>;

/** One dependency a service needs before it can do its work (Kafka, the registry, PostgreSQL). */
export interface ReadinessCheck {
  /** Key of this check in the readiness report, e.g. `kafka`. */
  readonly name: string;
  /** Resolves, optionally with details, when the dependency is usable; rejects saying why not. */
  check(): Promise<ReadinessDetail | void>;
  /** Releases a connection the check keeps between probes. */
  close?(): Promise<void>;
}

export interface CheckResult {
  status: 'up' | 'down';
  durationMs: number;
  detail?: ReadinessDetail;
  /** Why the check failed (only when down). */
  error?: string;
}

export interface ReadinessReport {
  status: 'ready' | 'not ready';
  service: string;
  checks: Record<string, CheckResult>;
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const detail = await withTimeout(check.check(), timeoutMs);
    return { status: 'up', durationMs: elapsed(), ...(detail ? { detail } : {}) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'down', durationMs: elapsed(), error: message || String(error) };
  }
}

/**
 * Runs all checks concurrently, each bounded by `timeoutMs`, so a hung dependency makes the service
 * "not ready" within the probe's own timeout instead of hanging the probe.
 */
export async function runReadinessChecks(
  service: string,
  checks: readonly ReadinessCheck[],
  timeoutMs: number,
): Promise<ReadinessReport> {
  const results = await Promise.all(checks.map((check) => runCheck(check, timeoutMs)));
  const report: ReadinessReport = { status: 'ready', service, checks: {} };
  checks.forEach((check, index) => {
    report.checks[check.name] = results[index];
    if (results[index].status === 'down') report.status = 'not ready';
  });
  return report;
}
