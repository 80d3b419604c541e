import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packedItemRefsProblems, unpackItemRefs } from '@strata/contracts';
import { ProvenanceRecorder, provenancePairs, type ProvenanceChunk } from './provenance';

/** A chunk with its ids unpacked, as a reader of the event sees them. */
function unpacked(chunk: ProvenanceChunk) {
  return { ...chunk, ...unpackItemRefs(chunk.itemRefs), pairing: chunk.itemRefs.pairing };
}

function recorder(maxRefs = 1000, maxChars = 1_000_000) {
  const chunks: ReturnType<typeof unpacked>[] = [];
  const idOf = (sample: unknown) => (typeof sample === 'string' ? sample : undefined);
  return {
    chunks,
    recorder: new ProvenanceRecorder(idOf, { maxRefs, maxChars }, (chunk) => chunks.push(unpacked(chunk))),
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
    expect(provenancePairs(chunks[0].itemRefs)).toEqual([
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
    expect(chunks[0].pairing).toEqual([1, 1, 3, 1, 0, 1, 1, 1, 1]);
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
    expect(chunks.map((chunk) => [chunk.inputs, chunk.outputs, chunk.pairing])).toEqual([
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

  it('sends no output ids while every sample keeps its id, and all of them once one does not', () => {
    const { chunks, recorder: provenance } = recorder();
    const kept = Array.from({ length: 150 }, (_, index) => `item-${index}`);
    for (const id of kept) provenance.recordOne(id, id);
    provenance.flush();
    expect(chunks[0].itemRefs).toMatchObject({ outputsAreInputs: true, inputCount: 150, outputCount: 150 });
    expect(chunks[0].itemRefs.outputIds).toHaveLength(0);
    expect(chunks[0].outputs).toEqual(kept);

    // 150 ids kept (more than are joined at once), then one renamed, one dropped, one kept.
    for (const id of kept) provenance.recordOne(id, id);
    provenance.recordOne('x', 'x2');
    provenance.record('y', []);
    provenance.recordOne('z', 'z');
    provenance.flush();
    expect(chunks[1].itemRefs.outputsAreInputs).toBe(false);
    expect(chunks[1].inputs).toEqual([...kept, 'x', 'y', 'z']);
    expect(chunks[1].outputs).toEqual([...kept, 'x2', 'z']);
  });

  it('skips samples that have no item id and emits nothing when nothing was recorded', () => {
    const { chunks, recorder: provenance } = recorder();
    provenance.flush();
    expect(chunks).toEqual([]);
    provenance.recordOne(42, 'x');
    provenance.flush();
    expect(chunks[0]).toMatchObject({ inputs: [], outputs: ['x'], pairing: [0, 1, 1] });
  });

  it('keeps the exact pairing of any sequence of samples, in well-formed chunks within the limits', () => {
    const id = fc.oneof(
      fc.constantFrom('a', 'b', 'c', ''),
      fc.string({ maxLength: 6, unit: 'binary' }).filter((text) => !text.includes('\u0000')),
    );
    const sample = fc.oneof(id, fc.constant(42), fc.array(id, { maxLength: 3 }));
    const step = fc.oneof(
      fc.record({ input: sample, output: sample }),
      id.map((same) => ({ input: same, output: same })),
      fc.record({ input: sample, outputs: fc.array(sample, { maxLength: 3 }) }),
    );
    const idsIn = (value: unknown): string[] =>
      Array.isArray(value) ? value.flatMap(idsIn) : typeof value === 'string' && value !== '' ? [value] : [];
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.integer({ min: 2, max: 12 }), (steps, maxRefs) => {
        const maxChars = maxRefs * 4;
        const { chunks, recorder: provenance } = recorder(maxRefs, maxChars);
        const expected: [string, string][] = [];
        for (const recorded of steps) {
          const outputs = 'outputs' in recorded ? recorded.outputs : [recorded.output];
          for (const input of idsIn(recorded.input))
            for (const output of outputs.flatMap(idsIn)) expected.push([input, output]);
          if ('outputs' in recorded) provenance.record(recorded.input, recorded.outputs);
          else provenance.recordOne(recorded.input, recorded.output);
        }
        provenance.flush();
        expect(chunks.flatMap((chunk) => provenancePairs(chunk.itemRefs))).toEqual(expected);
        expect(chunks.map((chunk) => chunk.index)).toEqual(chunks.map((_, index) => index));
        for (const chunk of chunks) {
          expect(packedItemRefsProblems(chunk.itemRefs)).toEqual([]);
          const refs = [...chunk.inputs, ...chunk.outputs];
          const chars = refs.reduce((sum, ref) => sum + ref.length + 1, 0);
          // Only a group that alone exceeds the limits may make a chunk that does.
          let groupsWithRefs = 0;
          for (let at = 0; at < chunk.pairing.length; at += 3)
            if (chunk.pairing[at] + chunk.pairing[at + 1] > 0) groupsWithRefs += chunk.pairing[at + 2];
          if (groupsWithRefs > 1) expect(refs.length <= maxRefs && chars <= maxChars).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
