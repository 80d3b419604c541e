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
export function packItemRefs(
  inputIds: readonly string[],
  outputIds: readonly string[],
  pairing: number[] = [],
): PackedItemRefs {
  const outputsAreInputs = inputIds.length > 0 && sameIds(inputIds, outputIds);
  return {
    inputIds: packItemIds(inputIds),
    inputCount: inputIds.length,
    outputIds: outputsAreInputs ? Buffer.alloc(0) : packItemIds(outputIds),
    outputCount: outputIds.length,
    outputsAreInputs,
    pairing,
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
  const pairing = pairingProblem(refs);
  if (pairing) problems.push(new PackedItemRefsError('itemRefs.pairing', pairing));
  return problems;
}

/** Why a pairing does not cover the ids exactly, in triples of non-negative integers, or undefined. */
function pairingProblem({ pairing, inputCount, outputCount }: PackedItemRefs): string | undefined {
  if (pairing.length === 0) return undefined;
  if (pairing.length % 3 !== 0)
    return `must hold triples (inCount, outCount, repeat), but its length ${pairing.length} is not a multiple of 3`;
  let inputs = 0;
  let outputs = 0;
  // Indexed, not destructured slices: this runs once per chunk on the producer's hot path, and a chunk
  // whose samples change shape often holds hundreds of triples.
  for (let at = 0; at < pairing.length; at += 3) {
    const inCount = pairing[at];
    const outCount = pairing[at + 1];
    const repeat = pairing[at + 2];
    if (!(inCount >= 0 && outCount >= 0)) return `triple ${at / 3} has a negative count`;
    if (!(repeat >= 1)) return `triple ${at / 3} must repeat at least once, got ${repeat}`;
    inputs += inCount * repeat;
    outputs += outCount * repeat;
  }
  if (inputs !== inputCount) return `covers ${inputs} input ids but inputCount is ${inputCount}`;
  if (outputs !== outputCount) return `covers ${outputs} output ids but outputCount is ${outputCount}`;
  return undefined;
}

/**
 * The sample group of every packed input and output id, in list order: groups are numbered from 0
 * as the pairing's triples unroll, so an output and the inputs it was made from share a number.
 * Null when the pairing is not known. The pairing must be well formed ({@link packedItemRefsProblems}).
 */
export function sampleGroupsOf(refs: PackedItemRefs): { inputs: Int32Array; outputs: Int32Array } | null {
  const { pairing } = refs;
  if (pairing.length === 0) return null;
  const inputs = new Int32Array(refs.inputCount);
  const outputs = new Int32Array(refs.outputCount);
  let group = 0;
  let inputAt = 0;
  let outputAt = 0;
  for (let at = 0; at < pairing.length; at += 3) {
    const inCount = pairing[at];
    const outCount = pairing[at + 1];
    for (let time = 0; time < pairing[at + 2]; time++, group++) {
      inputs.fill(group, inputAt, (inputAt += inCount));
      outputs.fill(group, outputAt, (outputAt += outCount));
    }
  }
  return { inputs, outputs };
}

const itemRef = (id: string): ArtifactRef => ({ kind: 'ITEM', id, version: null });

/** A step's artifacts, with the sample group of each packed item ref when the step paired them. */
export interface StepArtifacts {
  inputs: ArtifactRef[];
  outputs: ArtifactRef[];
  /**
   * The sample group ({@link sampleGroupsOf}) of the packed ids, which come after the listed refs:
   * `inputs[event.inputs.length + i]` is in group `sampleGroups.inputs[i]`. Listed refs belong to
   * the whole step. Null when the step has no packed ids or no pairing.
   */
  sampleGroups: { inputs: Int32Array; outputs: Int32Array } | null;
}

/**
 * A step's inputs and outputs as readers see them: its listed refs, then its packed item ids as ITEM
 * refs. Throws a {@link PackedItemRefsError} for a malformed packing.
 */
export function stepArtifacts(
  event: Pick<TransformationApplied, 'inputs' | 'outputs' | 'itemRefs'>,
): StepArtifacts {
  const packed = event.itemRefs;
  if (packed === null) return { inputs: event.inputs, outputs: event.outputs, sampleGroups: null };
  const [problem] = packedItemRefsProblems(packed);
  if (problem) throw problem;
  const ids = unpackItemRefs(packed);
  const inputRefs = ids.inputs.map(itemRef);
  const outputRefs = packed.outputsAreInputs ? inputRefs : ids.outputs.map(itemRef);
  return {
    inputs: [...event.inputs, ...inputRefs],
    outputs: [...event.outputs, ...outputRefs],
    sampleGroups: sampleGroupsOf(packed),
  };
}
