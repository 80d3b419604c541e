/** Something whose written bytes can be made durable. */
export interface Syncable {
  sync(): Promise<void>;
}

const LAZY_SYNC_DELAY_MS = 1000;

/**
 * Group commit of fsyncs: every request for durability that arrives while a round is running joins
 * the next round, so many acks=-1 producers share one fsync per file instead of paying one each.
 * Writes that nobody waits for (acks 0/1) are synced lazily within a second.
 */
export class SyncScheduler {
  private waiting = new Map<Syncable, { resolve: () => void; reject: (error: Error) => void }[]>();
  private roundRunning = false;
  private readonly lazy = new Set<Syncable>();
  private lazyTimer: NodeJS.Timeout | undefined;

  sync(target: Syncable): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiters = this.waiting.get(target);
      if (waiters) waiters.push({ resolve, reject });
      else this.waiting.set(target, [{ resolve, reject }]);
      if (!this.roundRunning) this.startRound();
    });
  }

  syncLater(target: Syncable): void {
    this.lazy.add(target);
    this.lazyTimer ??= setTimeout(() => this.syncLazyTargets(), LAZY_SYNC_DELAY_MS);
  }

  /** Syncs everything still pending; used on shutdown. */
  async flush(): Promise<void> {
    clearTimeout(this.lazyTimer);
    this.lazyTimer = undefined;
    const targets = new Set([...this.lazy, ...this.waiting.keys()]);
    this.lazy.clear();
    await Promise.all([...targets].map((target) => this.sync(target)));
  }

  private syncLazyTargets(): void {
    this.lazyTimer = undefined;
    const targets = [...this.lazy];
    this.lazy.clear();
    // Nobody awaits these; a failure surfaces on the next awaited sync of the same file.
    for (const target of targets) this.sync(target).catch(() => undefined);
  }

  private startRound(): void {
    this.roundRunning = true;
    const round = this.waiting;
    this.waiting = new Map();
    void Promise.all(
      [...round].map(async ([target, waiters]) => {
        try {
          await target.sync();
          for (const waiter of waiters) waiter.resolve();
        } catch (error) {
          for (const waiter of waiters) waiter.reject(error as Error);
        }
      }),
    ).then(() => {
      this.roundRunning = false;
      if (this.waiting.size > 0) this.startRound();
    });
  }
}
