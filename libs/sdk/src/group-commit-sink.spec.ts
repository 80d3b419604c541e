import { describe, expect, it } from 'vitest';
import { GroupCommitSink } from './group-commit-sink';
import type { EncodedEvent, EventSink } from './kafka-sink';

const event = (eventId: string): EncodedEvent => ({
  eventId,
  topic: 't',
  key: 'k',
  value: Buffer.from(eventId),
});

function slowSink() {
  const requests: string[][] = [];
  let fail = false;
  const sink: EventSink = {
    async sendBatch(events) {
      requests.push(events.map((entry) => entry.eventId));
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (fail) throw new Error('broker down');
      return events.map((entry, index) => ({
        eventId: entry.eventId,
        topic: 't',
        partition: 0,
        offset: String(index),
      }));
    },
    async close() {},
  };
  return { sink, requests, failNext: () => (fail = true) };
}

describe('GroupCommitSink', () => {
  it('merges concurrent batches into one request while another is in flight, and hands each its own acks', async () => {
    const { sink, requests } = slowSink();
    const group = new GroupCommitSink(sink);
    const first = group.sendBatch([event('a')]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const [second, third] = [group.sendBatch([event('b'), event('c')]), group.sendBatch([event('d')])];
    expect((await first).map((ack) => ack.eventId)).toEqual(['a']);
    expect((await second).map((ack) => ack.eventId)).toEqual(['b', 'c']);
    expect((await third).map((ack) => [ack.eventId, ack.offset])).toEqual([['d', '2']]);
    expect(requests).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('fails every merged batch when the request fails', async () => {
    const { sink, failNext } = slowSink();
    const group = new GroupCommitSink(sink);
    failNext();
    const results = await Promise.allSettled([group.sendBatch([event('a')]), group.sendBatch([event('b')])]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });
});
