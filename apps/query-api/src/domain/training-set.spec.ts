import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { item, leaf } from './label-fixtures';
import { ManifestDigest, manifestEntries, manifestLine, trainingLines } from './training-set';

describe('training lines and manifests', () => {
  const image = item('img-1');

  it('emits one line per trained label with the item it labels', () => {
    const cat = leaf(1, { class: 'cat' });
    const lines = trainingLines(image, 'class', { status: 'resolved', labels: [cat] });
    expect(lines).toEqual([
      {
        itemId: 'img-1',
        uri: 's3://bucket/img-1.jpg',
        contentHash: 'sha256:img-1',
        task: 'class',
        label: {
          labelId: cat.labelId,
          payload: { class: 'cat' },
          author: cat.author,
          confidence: null,
          latestVerdict: null,
        },
      },
    ]);
  });

  it('reports an unresolved item on one line listing its leaves, and its manifest names each leaf', () => {
    const [a, b] = [leaf(2, 'x'), leaf(1, 'y')];
    const lines = trainingLines(image, 'class', {
      status: 'unresolved',
      reason: 'several-leaves',
      leaves: [a, b],
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ unresolved: 'several-leaves' });
    expect(manifestEntries(lines).map((entry) => entry.labelId)).toEqual([b.labelId, a.labelId]);
  });

  it('escapes separators in ids so no id can forge a manifest line', () => {
    expect(manifestLine({ itemId: 'a\tb\nc\\', labelId: 'l', contentHash: 'h' })).toBe(
      'a\\tb\\nc\\\\\tl\th\n',
    );
  });

  it('hashes the exact bytes of the ordered lines and counts items and labels', () => {
    const digest = new ManifestDigest();
    const entries = [
      { itemId: 'a', labelId: '1', contentHash: 'h1' },
      { itemId: 'a', labelId: '2', contentHash: 'h1' },
      { itemId: 'b', labelId: '3', contentHash: 'h2' },
    ];
    const text = entries.map((entry) => digest.add(entry)).join('');
    expect(text).toBe('a\t1\th1\na\t2\th1\nb\t3\th2\n');
    expect(digest.digest()).toBe(createHash('sha256').update(text).digest('hex'));
    expect([digest.itemCount, digest.labelCount]).toEqual([2, 3]);
  });
});
