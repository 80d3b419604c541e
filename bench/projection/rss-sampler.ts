/**
 * Samples this process's resident memory on a timer (and on demand), keeping the peak overall and
 * the peak since the last `takeWindowPeak`, so a run can show memory per quarter of the log.
 */
export class RssSampler {
  private overall = 0;
  private window = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 20) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): number {
    const rss = process.memoryUsage.rss();
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
