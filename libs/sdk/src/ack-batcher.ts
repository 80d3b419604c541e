import { ProducerClosedError } from './errors';

export interface AckBatcherOptions {
  /** How long the first queued item may wait for companions before its batch is sent. */
  lingerMs: number;
  maxBatchItems: number;
  maxBatchBytes: number;
  /** Queued-but-unsent items beyond which `enqueue` waits (backpressure). */
  maxQueuedItems: number;
}

/** Sends one batch and returns one acknowledgement per item, in order; rejects to fail the whole batch. */
export type BatchSender<T, A> = (items: T[]) => Promise<A[]>;

interface Pending<T, A> {
  item: T;
  bytes: number;
  resolve(ack: A): void;
  reject(error: unknown): void;
}

/**
 * Collects items into batches (by linger time, count and bytes), sends one batch at a time in arrival
 * order, and settles each item's promise with its own acknowledgement. Memory is bounded: when
 * `maxQueuedItems` are waiting, `enqueue` itself waits until a batch has been taken off the queue.
 */
export class AckBatcher<T, A> {
  private queue: Pending<T, A>[] = [];
  private queuedBytes = 0;
  private lingerTimer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private spaceWaiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly send: BatchSender<T, A>,
    private readonly options: AckBatcherOptions,
  ) {}

  get queuedItems(): number {
    return this.queue.length;
  }

  /** Resolves with the item's acknowledgement once the batch holding it was acknowledged. */
  enqueue(item: T, bytes: number): Promise<A> {
    // Room is checked and taken in one synchronous step, so concurrent callers cannot overfill.
    if (this.hasRoom()) return this.push(item, bytes);
    return this.waitForRoom().then(() => this.enqueue(item, bytes));
  }

  /** Resolves when the queue has room for another item (backpressure), or the batcher is closed. */
  async waitForRoom(): Promise<void> {
    while (!this.hasRoom()) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
  }

  private hasRoom(): boolean {
    return this.queue.length < this.options.maxQueuedItems || this.closed;
  }

  /**
   * Queues an item now, whatever the queue's length (callers wait for room first), and returns the
   * promise of its acknowledgement.
   */
  push(item: T, bytes: number): Promise<A> {
    if (this.closed) return Promise.reject(new ProducerClosedError());
    const acknowledged = new Promise<A>((resolve, reject) => {
      this.queue.push({ item, bytes, resolve, reject });
    });
    this.queuedBytes += bytes;
    if (this.batchIsFull()) this.startSending();
    else this.lingerTimer ??= setTimeout(() => this.startSending(), this.options.lingerMs);
    return acknowledged;
  }

  /** Sends everything queued now and resolves when all of it has settled. */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.sending) {
      this.startSending();
      await this.sending;
    }
  }

  /** Flushes, then refuses further items (including any waiting for queue space). */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    this.releaseSpaceWaiters();
  }

  private batchIsFull(): boolean {
    return this.queue.length >= this.options.maxBatchItems || this.queuedBytes >= this.options.maxBatchBytes;
  }

  private startSending(): void {
    clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    // One batch in flight at a time keeps per-partition order (and kafkajs idempotence needs it).
    if (this.sending || this.queue.length === 0) return;
    this.sending = this.sendNextBatch().finally(() => {
      this.sending = undefined;
      if (this.queue.length === 0) return;
      if (this.batchIsFull()) this.startSending();
      else this.lingerTimer ??= setTimeout(() => this.startSending(), this.options.lingerMs);
    });
  }

  private async sendNextBatch(): Promise<void> {
    const batch = this.takeBatch();
    this.releaseSpaceWaiters();
    try {
      const acks = await this.send(batch.map((pending) => pending.item));
      if (acks.length !== batch.length) {
        throw new Error(`sender acknowledged ${acks.length} of ${batch.length} items`);
      }
      batch.forEach((pending, index) => pending.resolve(acks[index]));
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }

  /** Takes at least one item, then as many as fit the count and byte limits. */
  private takeBatch(): Pending<T, A>[] {
    let count = 0;
    let bytes = 0;
    while (
      count < this.queue.length &&
      count < this.options.maxBatchItems &&
      (count === 0 || bytes + this.queue[count].bytes <= this.options.maxBatchBytes)
    ) {
      bytes += this.queue[count].bytes;
      count += 1;
    }
    const batch = this.queue.splice(0, count);
    this.queuedBytes -= bytes;
    return batch;
  }

  private releaseSpaceWaiters(): void {
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const wake of waiters) wake();
  }
}
