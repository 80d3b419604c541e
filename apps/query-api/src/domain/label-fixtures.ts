import type { Item, LabelNode, LeafLabel } from './labels';

/** Builders for unit tests of the pure domain: a leaf at a log offset with a payload. */
export function leaf(offset: number, payload: unknown, overrides: Partial<LeafLabel> = {}): LeafLabel {
  return {
    labelId: `00000000-0000-4000-8000-${String(offset).padStart(12, '0')}`,
    itemId: 'img-1',
    task: 'class',
    payload,
    author: { kind: 'HUMAN', id: 'ann-1' },
    confidence: null,
    position: {
      partition: 0,
      offset,
      eventTime: new Date(offset * 1000).toISOString(),
    },
    latestVerdict: null,
    ...overrides,
  };
}

export function item(itemId: string, overrides: Partial<Item> = {}): Item {
  return {
    itemId,
    uri: `s3://bucket/${itemId}.jpg`,
    contentHash: `sha256:${itemId}`,
    mediaType: 'image/jpeg',
    datasets: ['ds'],
    source: 'camera',
    license: 'CC-BY-4.0',
    attributes: {},
    position: { partition: 0, offset: 0, eventTime: new Date(0).toISOString() },
    ...overrides,
  };
}

export function labelNode(offset: number, payload: unknown, overrides: Partial<LabelNode> = {}): LabelNode {
  const { latestVerdict: _verdict, ...base } = leaf(offset, payload);
  return { ...base, tool: 'label-studio', guidelineVersion: null, parents: [], reason: null, ...overrides };
}
