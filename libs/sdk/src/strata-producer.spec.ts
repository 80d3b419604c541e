import type { StrataEvent } from '@strata/contracts';
import { routeOf } from '@strata/contracts';
import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors';
import type { EncodedEvent, EventSink } from './kafka-sink';
import { StrataProducer } from './strata-producer';

const defaults = {
  namespace: 'vision',
  producer: { name: 'spec', version: '1' },
  actor: { kind: 'SERVICE' as const, id: 'spec' },
};

/** A sink remembering what it was sent, and an encoder whose latency varies by event (as a registry's does). */
function fakes() {
  const sent: EncodedEvent[][] = [];
  const sink: EventSink = {
    async sendBatch(events) {
      sent.push(events);
      return events.map((event, index) => ({
        eventId: event.eventId,
        topic: event.topic,
        partition: 0,
        offset: String(index),
      }));
    },
    async close() {},
  };
  let calls = 0;
  const encoder = {
    async encode(event: StrataEvent) {
      calls += 1;
      // The first encodes are the slowest, like the first use of each schema.
      await new Promise((resolve) => setTimeout(resolve, calls === 1 ? 20 : 0));
      return { ...routeOf(event), value: Buffer.from(JSON.stringify(event.event)) };
    },
  };
  return { sent, producer: new StrataProducer(encoder, sink, defaults, { lingerMs: 1, maxBatchEvents: 10 }) };
}

describe('StrataProducer', () => {
  it('fills in ids, times and the envelope defaults, and routes by the event’s key', async () => {
    const { sent, producer } = fakes();
    const created = await producer.createLabel({
      itemId: 'img-1',
      task: 'class',
      payload: '{}',
      author: { kind: 'HUMAN', id: 'a' },
    });
    expect(created.labelId).toMatch(/^[0-9a-f-]{36}$/);
    const event = JSON.parse(sent[0][0].value.toString());
    expect(event).toMatchObject({
      labelId: created.labelId,
      tool: null,
      confidence: null,
      guidelineVersion: null,
      envelope: {
        eventId: created.eventId,
        namespace: 'vision',
        producer: defaults.producer,
        actor: defaults.actor,
      },
    });
    expect(sent[0][0]).toMatchObject({ topic: 'strata.items', key: 'img-1' });
    const run = await producer.startRun({ job: 'nightly' });
    expect(JSON.parse(sent[1][0].value.toString())).toMatchObject({
      runId: run.runId,
      job: { namespace: 'vision', name: 'nightly' },
      parameters: '{}',
    });
  });

  it('queues events in call order even when encoding takes longer for earlier ones', async () => {
    const { sent, producer } = fakes();
    await Promise.all(
      Array.from({ length: 25 }, (_, index) =>
        producer.createLabel({
          itemId: 'img-1',
          task: 'class',
          payload: JSON.stringify({ index }),
          author: { kind: 'HUMAN', id: 'a' },
        }),
      ),
    );
    const order = sent.flat().map((event) => JSON.parse(JSON.parse(event.value.toString()).payload).index);
    expect(order).toEqual(Array.from({ length: 25 }, (_, index) => index));
    expect(sent.every((batch) => batch.length <= 10)).toBe(true);
  });

  it('throws a ValidationError naming the field before anything is encoded or sent', async () => {
    const { sent, producer } = fakes();
    const refused = producer.correctLabel({
      itemId: 'img-1',
      task: 'class',
      payload: '{}',
      author: { kind: 'HUMAN', id: 'a' },
      parents: ['not-a-uuid'],
    });
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({ field: 'parents[0]', eventType: 'LabelCorrected' });
    await producer.flush();
    expect(sent).toEqual([]);
  });
});
