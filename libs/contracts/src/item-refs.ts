import type { ArtifactRef, PackedItemRefs, TransformationApplied } from './generated/events';

/**
 * TransformationApplied's `itemRefs`: per-sample provenance carries thousands of item ids per event,
 * and as ArtifactRef records each id cost an object, a validation step and an Avro record on the
 * producer's hot path. Packed, a list is one UTF-8 buffer of the ids joined by a zero byte — no stored
 * id can hold NUL, since PostgreSQL text cannot — written by one native join and one copy.
 */
const separator = 0;

/** Packs one list of (non-empty, NUL-free) item ids. */
export function packItemIds(ids: readonly string[]): Buffer {
  return ids.length === 0 ? Buffer.alloc(0) : Buffer.from(ids.join('\u0000'), 'utf8');
}

/**
 * Packs a step's item ids. When the outputs are the inputs, id for id (a step that kept every sample
 * and its id), they are not written a second time: `outputsAreInputs` says so, halving what the most
 * common steps send. The comparison is by identity first, so a pipeline passing the same id strings
 * on pays one pointer comparison per id.
 */
export function packItemRefs(inputIds: readonly string[], outputIds: readonly string[]): PackedItemRefs {
  const outputsAreInputs = inputIds.length > 0 && sameIds(inputIds, outputIds);
  return {
    inputIds: packItemIds(inputIds),
    inputCount: inputIds.length,
    outputIds: outputsAreInputs ? Buffer.alloc(0) : packItemIds(outputIds),
    outputCount: outputIds.length,
    outputsAreInputs,
  };
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Why a packed list does not hold exactly `count` non-empty ids, or undefined when it does. Found
 * with the native indexOf rather than a split or a byte loop: validation runs on the producer's hot
 * path, once per chunk of thousands of ids, and must not allocate them.
 */
export function packedIdsProblem(packed: Buffer, count: number): string | undefined {
  if (!Number.isInteger(count) || count < 0) return `count must be a non-negative integer, got ${count}`;
  if (packed.length === 0) return count === 0 ? undefined : `is empty but its count is ${count}`;
  let ids = 0;
  let start = 0;
  for (;;) {
    const end = packed.indexOf(separator, start);
    if (end === start || (end === -1 && start === packed.length)) return `id ${ids} is empty`;
    ids += 1;
    if (end === -1) break;
    start = end + 1;
  }
  return ids === count ? undefined : `holds ${ids} ids but its count is ${count}`;
}

/** The ids of one packed list (checked with {@link packedIdsProblem} first). */
export function unpackItemIds(packed: Buffer): string[] {
  return packed.length === 0 ? [] : packed.toString('utf8').split('\u0000');
}

/** A packing's input and output ids (checked with {@link packedItemRefsProblems} first). */
export function unpackItemRefs(refs: PackedItemRefs): { inputs: string[]; outputs: string[] } {
  const inputs = unpackItemIds(refs.inputIds);
  return { inputs, outputs: refs.outputsAreInputs ? inputs : unpackItemIds(refs.outputIds) };
}

/** A malformed packing: the field and the reason. */
export class PackedItemRefsError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field} ${reason}`);
    this.name = 'PackedItemRefsError';
  }
}

/** Every problem of a step's packed item refs, by field. */
export function packedItemRefsProblems(refs: PackedItemRefs): PackedItemRefsError[] {
  const problems: PackedItemRefsError[] = [];
  const inputs = packedIdsProblem(refs.inputIds, refs.inputCount);
  if (inputs) problems.push(new PackedItemRefsError('itemRefs.inputIds', inputs));
  if (refs.outputsAreInputs) {
    if (refs.outputIds.length > 0)
      problems.push(
        new PackedItemRefsError('itemRefs.outputIds', 'must be empty when outputsAreInputs is true'),
      );
    if (refs.outputCount !== refs.inputCount)
      problems.push(
        new PackedItemRefsError(
          'itemRefs.outputCount',
          `must equal inputCount (${refs.inputCount}) when outputsAreInputs is true, got ${refs.outputCount}`,
        ),
      );
  } else {
    const outputs = packedIdsProblem(refs.outputIds, refs.outputCount);
    if (outputs) problems.push(new PackedItemRefsError('itemRefs.outputIds', outputs));
  }
  return problems;
}

const itemRef = (id: string): ArtifactRef => ({ kind: 'ITEM', id, version: null });

/**
 * A step's inputs and outputs as readers see them: its listed refs, then its packed item ids as ITEM
 * refs. Throws a {@link PackedItemRefsError} for a malformed packing.
 */
export function stepArtifacts(event: Pick<TransformationApplied, 'inputs' | 'outputs' | 'itemRefs'>): {
  inputs: ArtifactRef[];
  outputs: ArtifactRef[];
} {
  const packed = event.itemRefs;
  if (packed === null) return { inputs: event.inputs, outputs: event.outputs };
  const [problem] = packedItemRefsProblems(packed);
  if (problem) throw problem;
  const ids = unpackItemRefs(packed);
  const inputRefs = ids.inputs.map(itemRef);
  const outputRefs = packed.outputsAreInputs ? inputRefs : ids.outputs.map(itemRef);
  return { inputs: [...event.inputs, ...inputRefs], outputs: [...event.outputs, ...outputRefs] };
}
