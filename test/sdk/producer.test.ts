import { describe, expect, it } from 'vitest';
import { Topics } from '@strata/kafka';
import { connectStrataProducer, newId, ValidationError } from '@strata/sdk';
import { classLabel, sdkStackForSuite, testLogger as logger } from './support/sdk-stack';
import { readTopic, recordCount } from './support/topic-reader';

const sdk = sdkStackForSuite({
  label: 'sdk_producer',
  namespace: 'vision',
  actor: { kind: 'HUMAN', id: 'alice' },
  batching: { lingerMs: 5, maxBatchEvents: 50, maxQueuedEvents: 100 },
});

describe('StrataProducer end to end', () => {
  it('writes typed events with ids and times filled in, acknowledged at the offsets they landed on', async () => {
    const { producer, stack } = sdk();
    const itemId = `img-${newId()}`;
    const registered = await producer.registerItem({
      itemId,
      uri: `s3://bucket/${itemId}.jpg`,
      contentHash: 'sha256:abc',
      mediaType: 'image/jpeg',
      datasets: ['street-scenes'],
    });
    const created = await producer.createLabel({
      ...classLabel(itemId, 'car', { kind: 'MODEL', id: 'det-v1' }),
      confidence: 0.7,
    });
    const corrected = await producer.correctLabel({
      ...classLabel(itemId, 'truck', { kind: 'HUMAN', id: 'alice' }),
      parents: [created.labelId],
    });
    await producer.reviewLabel({
      itemId,
      labelId: corrected.labelId,
      verdict: 'REJECTED',
      reviewer: { kind: 'HUMAN', id: 'bob' },
    });
    await producer.retractLabel({ itemId, labelId: corrected.labelId, reason: 'mistake' });

    const records = (await readTopic(stack.brokers, stack.registryUrl, Topics.items, logger)).filter(
      (record) => record.key === itemId,
    );
    expect(records.map((record) => record.event.type)).toEqual([
      'ItemRegistered',
      'LabelCreated',
      'LabelCorrected',
      'LabelReviewed',
      'LabelRetracted',
    ]);
    expect(records[0]).toMatchObject({ partition: registered.partition, offset: registered.offset });
    expect(records[2].event.event).toMatchObject({
      labelId: corrected.labelId,
      parents: [created.labelId],
      reason: null,
    });
    expect(records[1].event.event.envelope).toMatchObject({
      eventId: created.eventId,
      namespace: 'vision',
      producer: { name: 'sdk_producer', version: '1' },
      actor: { kind: 'HUMAN', id: 'alice' },
    });
    expect(Math.abs(records[1].event.event.envelope.eventTime - Date.now())).toBeLessThan(60_000);
  });

  it('refuses an invalid event with a ValidationError naming the field, and writes nothing', async () => {
    const { producer, stack } = sdk();
    const before = await recordCount(stack.brokers, Topics.items, logger);
    const refused = producer.correctLabel({
      itemId: 'img-x',
      task: 'class',
      payload: '{"class":"car"}',
      author: { kind: 'HUMAN', id: 'alice' },
      parents: [],
    });
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({
      field: 'parents',
      message: expect.stringContaining('parents'),
    });
    await expect(
      producer.createLabel({
        itemId: 'img-x',
        task: 'class',
        payload: 'not json',
        author: { kind: 'HUMAN', id: 'a' },
      }),
    ).rejects.toMatchObject({
      field: 'payload',
    });
    await producer.flush();
    expect(await recordCount(stack.brokers, Topics.items, logger)).toBe(before);
  });

  it('keeps call order per key through batching and backpressure (more events than the queue holds)', async () => {
    const { producer, stack } = sdk();
    const itemId = `img-${newId()}`;
    const acks = await Promise.all(
      Array.from({ length: 400 }, (_, index) =>
        producer.createLabel({
          itemId,
          task: 'class',
          payload: JSON.stringify({ index }),
          author: { kind: 'HUMAN', id: 'alice' },
        }),
      ),
    );
    const offsets = acks.map((ack) => BigInt(ack.offset));
    expect(new Set(acks.map((ack) => ack.partition)).size).toBe(1);
    expect(offsets.every((offset, index) => index === 0 || offset === offsets[index - 1] + 1n)).toBe(true);
    const records = (await readTopic(stack.brokers, stack.registryUrl, Topics.items, logger)).filter(
      (record) => record.key === itemId,
    );
    expect(
      records.map((record) => JSON.parse((record.event.event as { payload: string }).payload).index),
    ).toEqual(Array.from({ length: 400 }, (_, index) => index));
  });

  it('flushes queued events on close', async () => {
    const { producer, stack } = sdk();
    const closing = await connectStrataProducer({
      brokers: stack.brokers,
      registryUrl: stack.registryUrl,
      logger,
      defaults: producer.defaults,
      batching: { lingerMs: 60_000 },
    });
    const itemId = `img-${newId()}`;
    const pending = closing.createLabel({
      itemId,
      task: 'class',
      payload: '{}',
      author: { kind: 'HUMAN', id: 'alice' },
    });
    await closing.close();
    await expect(pending).resolves.toMatchObject({ topic: Topics.items });
    await expect(
      closing.createLabel({ itemId, task: 'class', payload: '{}', author: { kind: 'HUMAN', id: 'a' } }),
    ).rejects.toThrow(/closed/);
  });
});
