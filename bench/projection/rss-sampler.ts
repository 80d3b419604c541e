import { readFileSync } from 'node:fs';

/** Resident memory of another process (Linux /proc), 0 once it has exited. */
export function rssOfProcess(pid: number): () => number {
  return () => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status);
      return kib ? Number(kib[1]) * 1024 : 0;
    } catch {
      return 0;
    }
  };
}

/**
 * Samples resident memory on a timer (and on demand) — this process's by default, or what `read`
 * returns — keeping the peak overall and the peak since the last `takeWindowPeak`, so a run can
 * show memory per quarter of the log.
 */
export class RssSampler {
  private overall = 0;
  private window = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly read: () => number = () => process.memoryUsage.rss(),
    intervalMs = 20,
  ) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): number {
    const rss = this.read();
    this.overall = Math.max(this.overall, rss);
    this.window = Math.max(this.window, rss);
    return rss;
  }

  peak(): number {
    this.sample();
    return this.overall;
  }

  /** Peak since the previous call (or the start), then starts a new window. */
  takeWindowPeak(): number {
    this.sample();
    const peak = this.window;
    this.window = 0;
    return peak;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
