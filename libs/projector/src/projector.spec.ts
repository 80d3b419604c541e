import { splitPartitions } from './rebuild';
import { describe, expect, it } from 'vitest';
import { DecodeError, type StrataEvent } from '@strata/contracts';
import { BuildError, schemaNameOf, timestampedBuildName } from './builds.repository';
import { deadLetterMessage } from './dead-letter-message';
import { decodeRecords, RegistryUnavailableError } from './decode-records';
import { endOffsetsOfVector, formatEndOffsets, RebuildTargetError } from './rebuild-target';
import { isTransientError, retryDelayMs } from './transient-errors';

describe('deadLetterMessage', () => {
  it('keys by the original position and carries reason, ids and the raw bytes in base64', () => {
    const message = deadLetterMessage({
      position: { topic: 'strata.items', partition: 2, offset: 41, timestamp: 1000 },
      eventId: null,
      type: null,
      reason: 'undecodable',
      detail: 'wrong-magic-byte: …',
      raw: Buffer.from('junk'),
    });
    expect(message.key).toBe('strata.items:2:41');
    expect(JSON.parse(message.value)).toEqual({
      reason: 'undecodable',
      detail: 'wrong-magic-byte: …',
      eventId: null,
      type: null,
      original: { topic: 'strata.items', partition: 2, offset: 41, timestamp: 1000 },
      raw: Buffer.from('junk').toString('base64'),
    });
  });

  it('has no raw bytes for a decoded event that broke a rule', () => {
    const message = deadLetterMessage({
      position: { topic: 'strata.items', partition: 0, offset: 3, timestamp: 5 },
      eventId: 'e-1',
      type: 'LabelCorrected',
      reason: 'cycle',
      detail: 'a is an ancestor of b',
    });
    expect(JSON.parse(message.value)).toMatchObject({ eventId: 'e-1', type: 'LabelCorrected', raw: null });
  });
});

describe('decodeRecords', () => {
  const event = { type: 'RunCompleted', event: {} } as unknown as StrataEvent;
  const record = (offset: number, value: Buffer | null) => ({
    offset: String(offset),
    timestamp: '77',
    value,
  });

  it('positions decoded events and dead-letters undecodable and empty records with their bytes', async () => {
    const decoder = {
      decode: async (bytes: Buffer) => {
        if (bytes.toString() === 'bad') throw new DecodeError('wrong-magic-byte', 'not framed');
        return event;
      },
    };
    const result = await decodeRecords(decoder, 't', 1, [
      record(5, Buffer.from('ok')),
      record(6, Buffer.from('bad')),
      record(7, null),
    ]);
    expect(result.events).toEqual([
      { position: { topic: 't', partition: 1, offset: 5, timestamp: 77 }, event },
    ]);
    expect(
      result.undecodable.map((letter) => [letter.position.offset, letter.reason, letter.detail]),
    ).toEqual([
      [6, 'undecodable', 'wrong-magic-byte: not framed'],
      [7, 'undecodable', 'wrong-magic-byte: the record has no value'],
    ]);
    expect(result.undecodable[0].raw?.toString()).toBe('bad');
  });

  it('decodes resolved records at once and awaits only the others, keeping log order', async () => {
    const events = ['a', 'b', 'c', 'd'].map(
      (name) => ({ type: 'RunCompleted', event: { name } }) as unknown as StrataEvent,
    );
    const awaited: string[] = [];
    const decoder = {
      decodeResolved: (bytes: Buffer) => {
        const text = bytes.toString();
        if (text === 'bad') throw new DecodeError('malformed-payload', 'truncated');
        if (text === 'odd') throw new Error('not a DecodeError');
        return text.startsWith('new') ? undefined : events[Number(text)];
      },
      decode: async (bytes: Buffer) => {
        awaited.push(bytes.toString());
        if (bytes.toString() === 'odd') throw new DecodeError('wrong-magic-byte', 'seen on the awaited path');
        return events[Number(bytes.toString().slice(3))];
      },
    };
    const result = await decodeRecords(decoder, 't', 2, [
      record(1, Buffer.from('new1')),
      record(2, Buffer.from('0')),
      record(3, Buffer.from('bad')),
      record(4, Buffer.from('odd')),
      record(5, Buffer.from('new3')),
      record(6, Buffer.from('2')),
    ]);
    expect(result.events.map((e) => [e.position.offset, e.event])).toEqual([
      [1, events[1]],
      [2, events[0]],
      [5, events[3]],
      [6, events[2]],
    ]);
    expect(result.undecodable.map((letter) => [letter.position.offset, letter.detail])).toEqual([
      [3, 'malformed-payload: truncated'],
      [4, 'wrong-magic-byte: seen on the awaited path'],
    ]);
    expect(awaited).toEqual(['new1', 'odd', 'new3']);
  });

  it('throws RegistryUnavailableError, not a dead letter, when the registry cannot be asked', async () => {
    const decoder = {
      decode: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      },
    };
    await expect(decodeRecords(decoder, 't', 0, [record(0, Buffer.from('x'))])).rejects.toBeInstanceOf(
      RegistryUnavailableError,
    );
  });
});

describe('isTransientError', () => {
  it.each([
    [{ code: '57P01', message: 'terminating connection due to administrator command' }],
    [{ code: '08006' }],
    [{ code: 'ECONNREFUSED' }],
    [new Error('Connection terminated unexpectedly')],
    [new Error('wrapped', { cause: { code: '40P01' } })],
    [new AggregateError([{ code: 'ECONNREFUSED' }], 'connect failed')],
    [
      Object.assign(new Error('Connection error: connect ECONNREFUSED'), {
        name: 'KafkaJSConnectionError',
        retriable: true,
      }),
    ],
  ])('retries %o', (error) => expect(isTransientError(error)).toBe(true));

  it.each([
    [{ code: '23505' }],
    [{ code: '42P01' }],
    [{ name: 'KafkaJSNonRetriableError', retriable: false }],
    [new Error('syntax error')],
    [undefined],
    ['text'],
  ])('does not retry %o', (error) => expect(isTransientError(error)).toBe(false));

  it('backs off exponentially up to 5 s', () => {
    expect([0, 1, 2, 10, 50].map(retryDelayMs)).toEqual([100, 200, 400, 5000, 5000]);
  });
});

describe('rebuild target', () => {
  const log = [
    { topic: 'strata.items', partition: 0, high: 10 },
    { topic: 'strata.items', partition: 1, high: 7 },
    { topic: 'strata.runs', partition: 0, high: 3 },
  ];

  it('takes named partitions as given and reads nothing from the others', () => {
    const ends = endOffsetsOfVector(log, [{ topic: 'strata.items', partition: 1, offset: 4 }]);
    expect(ends).toEqual([
      { topic: 'strata.items', partition: 0, nextOffset: 0 },
      { topic: 'strata.items', partition: 1, nextOffset: 4 },
      { topic: 'strata.runs', partition: 0, nextOffset: 0 },
    ]);
    expect(formatEndOffsets(ends)).toBe('offsets:strata.items:0=0,strata.items:1=4,strata.runs:0=0');
  });

  it('refuses a partition the log does not have and an offset beyond its end', () => {
    expect(() => endOffsetsOfVector(log, [{ topic: 'strata.items', partition: 5, offset: 1 }])).toThrow(
      new RebuildTargetError('partition strata.items:5 is not in the log'),
    );
    expect(() => endOffsetsOfVector(log, [{ topic: 'strata.runs', partition: 0, offset: 4 }])).toThrow(
      /offset 4 of strata.runs:0 is beyond the end of the log \(3\)/,
    );
  });
});

describe('build names', () => {
  it('maps a name to a schema and refuses names PostgreSQL would need quoting for', () => {
    expect(schemaNameOf('rebuild-2026')).toBe('build_rebuild_2026');
    expect(() => schemaNameOf('Bad Name')).toThrow(BuildError);
    expect(() => schemaNameOf('x'.repeat(49))).toThrow(/1-48/);
  });

  it('stamps generated names with the UTC time', () => {
    expect(timestampedBuildName('live', new Date(Date.UTC(2026, 10, 23, 11, 45, 0, 123)))).toBe(
      'live-20261123114500123',
    );
  });
});

describe('splitPartitions', () => {
  const end = (partition: number, nextOffset: number) => ({ topic: 't', partition, nextOffset });

  it('gives each thread a share of about equal events, every partition once, none empty', () => {
    const ends = [end(0, 100), end(1, 10), end(2, 60), end(3, 50), end(4, 0)];
    const shares = splitPartitions(ends, 2);
    expect(shares.map((share) => share.reduce((sum, e) => sum + e.nextOffset, 0))).toEqual([110, 110]);
    expect(
      shares
        .flat()
        .map((e) => e.partition)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4]);
    expect(splitPartitions(ends.slice(0, 2), 4)).toHaveLength(2);
    expect(splitPartitions(ends, 1)).toEqual([[...ends].sort((a, b) => b.nextOffset - a.nextOffset)]);
  });
});
