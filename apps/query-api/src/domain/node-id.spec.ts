import { describe, expect, it } from 'vitest';
import { BadParameterError } from '../common/errors';
import { formatNodeId, parseNodeId } from './node-id';

const uuid = '6f9619ff-8b86-4011-b42d-00c04fc964ff';

describe('parseNodeId', () => {
  it.each([
    ['item:img-1', { kind: 'item', itemId: 'img-1' }],
    ['item:s3://bucket/a b.jpg', { kind: 'item', itemId: 's3://bucket/a b.jpg' }],
    [`label:${uuid.toUpperCase()}`, { kind: 'label', labelId: uuid }],
    [`run:${uuid}`, { kind: 'run', runId: uuid }],
    [`snapshot:${uuid}`, { kind: 'snapshot', snapshotId: uuid }],
    ['artifact:model:resnet@3', { kind: 'artifact', artifactKind: 'MODEL', id: 'resnet', version: '3' }],
    [
      'artifact:DATASET:me@corp@v2',
      { kind: 'artifact', artifactKind: 'DATASET', id: 'me@corp', version: 'v2' },
    ],
    [
      'artifact:file:/data/x.csv',
      { kind: 'artifact', artifactKind: 'FILE', id: '/data/x.csv', version: null },
    ],
  ])('parses %j', (raw, expected) => {
    const parsed = parseNodeId(raw);
    expect(parsed).toEqual(expected);
    expect(parseNodeId(formatNodeId(parsed))).toEqual(parsed);
  });

  it.each([
    undefined,
    '',
    'item:',
    'label:123',
    'run:abc',
    'artifact:widget:x@1',
    'artifact:model:@1',
    'artifact:model:x@',
    'user:1',
    "item:1'; DROP TABLE items; --\n",
    `item:${'x'.repeat(600)}`,
  ])('rejects %j with a 400 naming the parameter', (raw) => {
    expect(() => parseNodeId(raw, 'node')).toThrow(BadParameterError);
    expect(() => parseNodeId(raw, 'node')).toThrow(/^node: /);
  });
});
