import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  packedIdsProblem,
  packItemIds,
  packItemRefs,
  PackedItemRefsError,
  sampleGroupsOf,
  stepArtifacts,
  unpackItemIds,
} from './item-refs';
import { sampleEvents } from './testing/sample-events';
import { validateEvent } from './validation/validate-event';

const itemId = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 12 })
  .filter((id) => !id.includes('\u0000'));

describe('packed item ids', () => {
  it('unpack what was packed, in order, for any non-empty NUL-free ids', () => {
    fc.assert(
      fc.property(fc.array(itemId, { maxLength: 50 }), (ids) => {
        const packed = packItemIds(ids);
        expect(packedIdsProblem(packed, ids.length)).toBeUndefined();
        expect(unpackItemIds(packed)).toEqual(ids);
      }),
    );
  });

  it('name what is wrong with a packing that disagrees with its count or holds an empty id', () => {
    const zero = '\u0000';
    expect(packedIdsProblem(Buffer.from(`a${zero}b`), 3)).toBe('holds 2 ids but its count is 3');
    expect(packedIdsProblem(Buffer.alloc(0), 1)).toBe('is empty but its count is 1');
    expect(packedIdsProblem(Buffer.from(`${zero}a`), 2)).toBe('id 0 is empty');
    expect(packedIdsProblem(Buffer.from(`a${zero}${zero}b`), 3)).toBe('id 1 is empty');
    expect(packedIdsProblem(Buffer.from(`a${zero}`), 2)).toBe('id 1 is empty');
    expect(packedIdsProblem(Buffer.from('a'), -1)).toBe('count must be a non-negative integer, got -1');
  });
});

describe('stepArtifacts', () => {
  const step = sampleEvents.TransformationApplied;

  it('appends the packed ids to the listed refs as unversioned ITEM refs', () => {
    const { inputs, outputs } = stepArtifacts({ ...step, itemRefs: packItemRefs(['i1', 'i2'], ['o1']) });
    expect(inputs).toEqual([
      ...step.inputs,
      { kind: 'ITEM', id: 'i1', version: null },
      { kind: 'ITEM', id: 'i2', version: null },
    ]);
    expect(outputs).toEqual([...step.outputs, { kind: 'ITEM', id: 'o1', version: null }]);
  });

  it('writes outputs equal to the inputs once, and reads them back as the outputs', () => {
    fc.assert(
      fc.property(fc.array(itemId, { minLength: 1, maxLength: 50 }), (ids) => {
        const itemRefs = packItemRefs(ids, [...ids]);
        expect(itemRefs).toMatchObject({ outputsAreInputs: true, outputCount: ids.length });
        expect(itemRefs.outputIds).toHaveLength(0);
        const { inputs, outputs } = stepArtifacts({ ...step, inputs: [], outputs: [], itemRefs });
        expect(outputs).toEqual(inputs);
        expect(outputs.map((ref) => ref.id)).toEqual(ids);
      }),
    );
  });

  it('packs outputs that differ from the inputs in any id, order or count in full', () => {
    for (const [inputIds, outputIds] of [
      [
        ['a', 'b'],
        ['a', 'c'],
      ],
      [
        ['a', 'b'],
        ['b', 'a'],
      ],
      [['a', 'b'], ['a']],
      [[], []],
    ]) {
      const itemRefs = packItemRefs(inputIds, outputIds);
      expect(itemRefs.outputsAreInputs).toBe(false);
      expect(
        stepArtifacts({ ...step, inputs: [], outputs: [], itemRefs }).outputs.map((ref) => ref.id),
      ).toEqual(outputIds);
    }
  });

  it('refuses outputsAreInputs with outputs written out or a count that differs', () => {
    const itemRefs = packItemRefs(['i1', 'i2'], ['i1', 'i2']);
    expect(
      validateEvent({
        type: 'TransformationApplied',
        event: { ...step, itemRefs: { ...itemRefs, outputIds: packItemIds(['i1', 'i2']), outputCount: 3 } },
      }),
    ).toEqual([
      { field: 'itemRefs.outputIds', message: 'must be empty when outputsAreInputs is true' },
      {
        field: 'itemRefs.outputCount',
        message: 'must equal inputCount (2) when outputsAreInputs is true, got 3',
      },
    ]);
  });

  it('throws a PackedItemRefsError naming the field of a malformed packing', () => {
    const itemRefs = { ...packItemRefs(['i1'], ['o1', 'o2']), outputCount: 1 };
    expect(() => stepArtifacts({ ...step, itemRefs })).toThrow(
      new PackedItemRefsError('itemRefs.outputIds', 'holds 2 ids but its count is 1'),
    );
  });

  it('is refused by validateEvent with the field and the reason', () => {
    const itemRefs = { ...packItemRefs(['i1', 'i2'], []), inputCount: 1 };
    expect(validateEvent({ type: 'TransformationApplied', event: { ...step, itemRefs } })).toEqual([
      { field: 'itemRefs.inputIds', message: 'holds 2 ids but its count is 1' },
    ]);
  });
});

describe('pairing (which inputs made which outputs)', () => {
  const step = sampleEvents.TransformationApplied;
  const problemsOf = (itemRefs: ReturnType<typeof packItemRefs>) =>
    validateEvent({ type: 'TransformationApplied', event: { ...step, itemRefs } });

  it('numbers sample groups as the triples unroll, so an output shares its group with its inputs', () => {
    // a→a2, b dropped, c→c1 c2, (d, e)→de, a sample without ids, f→f2.
    const itemRefs = packItemRefs(
      ['a', 'b', 'c', 'd', 'e', 'f'],
      ['a2', 'c1', 'c2', 'de', 'f2'],
      [1, 1, 1, 1, 0, 1, 1, 2, 1, 2, 1, 1, 0, 0, 1, 1, 1, 1],
    );
    expect(problemsOf(itemRefs)).toEqual([]);
    const groups = sampleGroupsOf(itemRefs)!;
    expect([...groups.inputs]).toEqual([0, 1, 2, 3, 3, 5]);
    expect([...groups.outputs]).toEqual([0, 2, 2, 3, 5]);
    const listed = { ...step, inputs: step.inputs.slice(0, 1), outputs: [] };
    expect(stepArtifacts({ ...listed, itemRefs }).sampleGroups).toEqual(groups);
  });

  it('is unknown when empty: no groups, every output from every input', () => {
    const itemRefs = packItemRefs(['a', 'b'], ['c']);
    expect(itemRefs.pairing).toEqual([]);
    expect(problemsOf(itemRefs)).toEqual([]);
    expect(sampleGroupsOf(itemRefs)).toBeNull();
    expect(stepArtifacts({ ...step, itemRefs }).sampleGroups).toBeNull();
  });

  it('is refused, naming itemRefs.pairing, unless it is triples covering the ids exactly', () => {
    const cases: [number[], string][] = [
      [[1, 1], 'must hold triples (inCount, outCount, repeat), but its length 2 is not a multiple of 3'],
      [[1, 1, 1, -1, 1, 1], 'triple 1 has a negative count'],
      [[1, 1, 0, 1, 1, 2], 'triple 0 must repeat at least once, got 0'],
      [[1, 1, 1], 'covers 1 input ids but inputCount is 2'],
      [[1, 2, 2], 'covers 4 output ids but outputCount is 2'],
    ];
    for (const [pairing, message] of cases)
      expect(problemsOf(packItemRefs(['a', 'b'], ['x', 'y'], pairing))).toEqual([
        { field: 'itemRefs.pairing', message },
      ]);
    expect(() => stepArtifacts({ ...step, itemRefs: packItemRefs(['a'], ['x'], [1, 1, 2]) })).toThrow(
      new PackedItemRefsError('itemRefs.pairing', 'covers 2 input ids but inputCount is 1'),
    );
  });
});
