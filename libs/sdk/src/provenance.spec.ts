import { describe, expect, it } from 'vitest';
import { ProvenanceRecorder, provenancePairs, type ProvenanceChunk } from './provenance';

function recorder(maxRefs = 1000, maxChars = 1_000_000) {
  const chunks: ProvenanceChunk[] = [];
  const idOf = (sample: unknown) => (typeof sample === 'string' ? sample : undefined);
  return {
    chunks,
    recorder: new ProvenanceRecorder(idOf, { maxRefs, maxChars }, (chunk) => chunks.push(chunk)),
  };
}

describe('ProvenanceRecorder', () => {
  it('keeps the exact pairing of maps, drops, fan-outs and batches', () => {
    const { chunks, recorder: provenance } = recorder();
    provenance.recordOne('a', 'a2');
    provenance.record('b', []);
    provenance.record('c', ['c1', 'c2']);
    provenance.recordOne(['d', 'e'], 'de');
    provenance.flush();
    expect(chunks).toHaveLength(1);
    expect(provenancePairs(chunks[0])).toEqual([
      ['a', 'a2'],
      ['c', 'c1'],
      ['c', 'c2'],
      ['d', 'de'],
      ['e', 'de'],
    ]);
  });

  it('run-length encodes repeated group shapes', () => {
    const { chunks, recorder: provenance } = recorder();
    for (const id of ['a', 'b', 'c']) provenance.recordOne(id, `${id}'`);
    provenance.record('d', []);
    provenance.recordOne('e', "e'");
    provenance.flush();
    expect(chunks[0].groups).toEqual([1, 1, 3, 1, 0, 1, 1, 1, 1]);
  });

  it('cuts chunks at the reference limit without splitting a group', () => {
    const { chunks, recorder: provenance } = recorder(4);
    for (const id of ['a', 'b', 'c', 'd', 'e']) provenance.recordOne(id, `${id}'`);
    provenance.flush();
    expect(chunks.map((chunk) => chunk.inputs)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(chunks.map((chunk) => chunk.index)).toEqual([0, 1, 2]);
  });

  it('starts a new chunk with a group that would push the current one over the limit', () => {
    const { chunks, recorder: provenance } = recorder(4);
    provenance.recordOne('a', 'a1');
    provenance.record('b', ['b1', 'b2']);
    provenance.flush();
    expect(chunks.map((chunk) => [chunk.inputs, chunk.outputs, chunk.groups])).toEqual([
      [['a'], ['a1'], [1, 1, 1]],
      [['b'], ['b1', 'b2'], [1, 2, 1]],
    ]);
  });

  it('cuts chunks at the character limit too, so long ids make smaller chunks', () => {
    // Each id of 9 characters counts 10; 35 characters hold three refs, a fourth goes over.
    const { chunks, recorder: provenance } = recorder(1000, 35);
    for (const id of ['aaaa', 'bbbb', 'cccc']) provenance.recordOne(`${id}-long`, `${id}-next`);
    provenance.flush();
    expect(chunks.map((chunk) => [chunk.inputs, chunk.outputs])).toEqual([
      [['aaaa-long'], ['aaaa-next']],
      [['bbbb-long'], ['bbbb-next']],
      [['cccc-long'], ['cccc-next']],
    ]);
    // Once a group is moved to the next chunk, that chunk counts only its own ids.
    const { chunks: next, recorder: again } = recorder(1000, 45);
    for (const id of ['a', 'b', 'c', 'd']) again.recordOne(`${id}`.repeat(9), `${id}`.repeat(9));
    again.flush();
    expect(next.map((chunk) => chunk.inputs.length)).toEqual([2, 2]);
  });

  it('skips samples that have no item id and emits nothing when nothing was recorded', () => {
    const { chunks, recorder: provenance } = recorder();
    provenance.flush();
    expect(chunks).toEqual([]);
    provenance.recordOne(42, 'x');
    provenance.flush();
    expect(chunks[0]).toMatchObject({ inputs: [], outputs: ['x'], groups: [0, 1, 1] });
  });
});
