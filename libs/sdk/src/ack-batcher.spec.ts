import { afterEach, describe, expect, it, vi } from 'vitest';
import { AckBatcher, type AckBatcherOptions } from './ack-batcher';
import { ProducerClosedError } from './errors';

const options: AckBatcherOptions = { lingerMs: 20, maxBatchItems: 3, maxBatchBytes: 100, maxQueuedItems: 5 };

/** A sender that records its batches and acknowledges each item with its own value doubled. */
function recordingSender() {
  const batches: number[][] = [];
  let release: (() => void) | undefined;
  let gate: Promise<void> | undefined;
  return {
    batches,
    hold() {
      gate = new Promise((resolve) => (release = resolve));
    },
    open() {
      release?.();
      gate = undefined;
    },
    send: async (items: number[]) => {
      batches.push(items);
      await gate;
      return items.map((item) => item * 2);
    },
  };
}

afterEach(() => vi.useRealTimers());

describe('AckBatcher', () => {
  it('resolves each item with its own acknowledgement once its batch was sent', async () => {
    const sender = recordingSender();
    const batcher = new AckBatcher(sender.send, options);
    const acks = await Promise.all([1, 2, 3, 4].map((item) => batcher.enqueue(item, 1)));
    expect(acks).toEqual([2, 4, 6, 8]);
    expect(sender.batches).toEqual([[1, 2, 3], [4]]);
  });

  it('waits for the linger time before sending a batch that is not full', async () => {
    vi.useFakeTimers();
    const sender = recordingSender();
    const batcher = new AckBatcher(sender.send, options);
    const ack = batcher.enqueue(7, 1);
    await vi.advanceTimersByTimeAsync(10);
    expect(sender.batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(15);
    expect(sender.batches).toEqual([[7]]);
    await expect(ack).resolves.toBe(14);
  });

  it('cuts batches at the byte limit but always sends at least one item', async () => {
    const sender = recordingSender();
    const batcher = new AckBatcher(sender.send, options);
    await Promise.all([batcher.enqueue(1, 60), batcher.enqueue(2, 60), batcher.enqueue(3, 500)]);
    expect(sender.batches).toEqual([[1], [2], [3]]);
  });

  it('applies backpressure: enqueue waits while the queue is full', async () => {
    const sender = recordingSender();
    sender.hold();
    const batcher = new AckBatcher(sender.send, { ...options, maxBatchItems: 2, maxQueuedItems: 2 });
    const first = [batcher.enqueue(1, 1), batcher.enqueue(2, 1)]; // sent at once, held by the sender
    const queued = [batcher.enqueue(3, 1), batcher.enqueue(4, 1)]; // fill the queue
    let fifthAdmitted = false;
    const fifth = batcher.enqueue(5, 1).then((ack) => ((fifthAdmitted = true), ack));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(batcher.queuedItems).toBe(2);
    expect(fifthAdmitted).toBe(false);
    sender.open();
    await expect(Promise.all([...first, ...queued, fifth])).resolves.toEqual([2, 4, 6, 8, 10]);
  });

  it('rejects every item of a failed batch and keeps going with the next', async () => {
    let calls = 0;
    const batcher = new AckBatcher(async (items: number[]) => {
      calls += 1;
      if (calls === 1) throw new Error('broker down');
      return items;
    }, options);
    const failed = [batcher.enqueue(1, 1), batcher.enqueue(2, 1), batcher.enqueue(3, 1)];
    const later = batcher.enqueue(4, 1);
    await expect(Promise.allSettled(failed)).resolves.toMatchObject([
      { status: 'rejected', reason: { message: 'broker down' } },
      { status: 'rejected' },
      { status: 'rejected' },
    ]);
    await expect(later).resolves.toBe(4);
  });

  it('flushes queued items on close and refuses items afterwards', async () => {
    const sender = recordingSender();
    const batcher = new AckBatcher(sender.send, { ...options, lingerMs: 60_000 });
    const pending = batcher.enqueue(1, 1);
    await batcher.close();
    await expect(pending).resolves.toBe(2);
    await expect(batcher.enqueue(2, 1)).rejects.toBeInstanceOf(ProducerClosedError);
  });
});
