import { describe, expect, it } from 'vitest';
import { ProduceError } from './errors';
import { offsetsOf } from './kafka-sink';

describe('offsetsOf', () => {
  it('numbers each partition’s events from its base offset, in order', () => {
    const acks = offsetsOf(
      [
        { eventId: 'a', topic: 'strata.items', partition: 0 },
        { eventId: 'b', topic: 'strata.items', partition: 1 },
        { eventId: 'c', topic: 'strata.items', partition: 0 },
        { eventId: 'd', topic: 'strata.runs', partition: 0 },
      ],
      [
        { topicName: 'strata.items', partition: 0, baseOffset: '41', errorCode: 0 },
        { topicName: 'strata.items', partition: 1, baseOffset: '0', errorCode: 0 },
        { topicName: 'strata.runs', partition: 0, baseOffset: '9007199254740993', errorCode: 0 },
      ],
    );
    expect(acks.map((ack) => `${ack.eventId}@${ack.topic}/${ack.partition}:${ack.offset}`)).toEqual([
      'a@strata.items/0:41',
      'b@strata.items/1:0',
      'c@strata.items/0:42',
      'd@strata.runs/0:9007199254740993',
    ]);
  });

  it('refuses a response that names an error or lacks a partition', () => {
    expect(() =>
      offsetsOf(
        [{ eventId: 'a', topic: 't', partition: 0 }],
        [{ topicName: 't', partition: 0, baseOffset: '0', errorCode: 6 }],
      ),
    ).toThrow(ProduceError);
    expect(() => offsetsOf([{ eventId: 'a', topic: 't', partition: 3 }], [])).toThrow(/no offset for t\/3/);
  });
});
