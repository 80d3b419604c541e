import { packItemIds, sampleGroupsOf, unpackItemRefs, type PackedItemRefs } from '@strata/contracts';

/** Extracts the item id of a sample, or undefined for samples that are not items. */
export type ItemIdOf = (sample: unknown) => string | undefined;

/**
 * The default item id: a sample's `itemId`, else its `id`, when that is a string. Arrays (batches)
 * stand for the items they hold.
 */
export const defaultItemIdOf: ItemIdOf = (sample) => {
  if (sample === null || typeof sample !== 'object') return undefined;
  const { itemId, id } = sample as { itemId?: unknown; id?: unknown };
  if (typeof itemId === 'string') return itemId;
  return typeof id === 'string' ? id : undefined;
};

/** One bounded slice of a step's per-sample provenance, ready to become a TransformationApplied. */
export interface ProvenanceChunk {
  index: number;
  /**
   * The chunk's input and output item ids, packed as TransformationApplied carries them, with their
   * pairing: run-length triples (inCount, outCount, repeat), each meaning "`repeat` times, the next
   * inCount inputs produced the next outCount outputs". A map of 1,000 samples is [1, 1, 1000]; a
   * dropped sample (1, 0, 1); a fan-out (1, k, 1). Exact per-sample mapping in a few integers per chunk.
   */
  itemRefs: PackedItemRefs;
  startedAt: number;
  endedAt: number;
}

/** How large one chunk may grow: references (inputs + outputs), and their ids' characters. */
export interface ChunkLimits {
  maxRefs: number;
  /**
   * The ids' UTF-16 length plus one per id (its separator once packed): a chunk's packed ids take at
   * most three times this many bytes, so a limit here keeps an event under Kafka's message size
   * however long the ids are.
   */
  maxChars: number;
}

/** How many ids are joined into one string as they arrive. */
const idsPerPart = 64;

/**
 * One list of item ids on its way to being packed. Ids are joined 64 at a time as they arrive, so a
 * chunk of thousands of ids waits on the heap as a few dozen flat strings, not thousands of (often
 * concatenated) strings for every young-generation collection to copy.
 */
class IdList {
  private parts: string[] = [];
  private pending: string[] = [];
  count = 0;

  push(id: string): void {
    this.count += 1;
    const pending = this.pending;
    pending.push(id);
    if (pending.length === idsPerPart) {
      this.parts.push(pending.join('\u0000'));
      pending.length = 0;
    }
  }

  /** Becomes a copy of `other`: its ids, in order. */
  copy(other: IdList): void {
    this.parts = other.parts.slice();
    this.pending = other.pending.slice();
    this.count = other.count;
  }

  /** The ids packed (see {@link packItemIds}), leaving the list empty. */
  take(): Buffer {
    if (this.pending.length > 0) this.parts.push(this.pending.join('\u0000'));
    const packed = packItemIds(this.parts);
    this.parts = [];
    this.pending.length = 0;
    this.count = 0;
    return packed;
  }
}

/**
 * Collects per-sample input→output item references for one step and hands them on in chunks within
 * {@link ChunkLimits} (one group is never split). While every sample keeps its item id, the outputs
 * are not collected at all: the chunk says its outputs are its inputs.
 */
export class ProvenanceRecorder {
  private readonly inputs = new IdList();
  private readonly outputs = new IdList();
  /** Whether the outputs so far are the inputs so far, id for id (then `outputs` stays empty). */
  private outputsAreInputs = true;
  private groups: number[] = [];
  private refs = 0;
  private chars = 0;
  private chunkIndex = 0;
  private chunkStartedAt = Date.now();

  constructor(
    private readonly itemIdOf: ItemIdOf,
    private readonly limits: ChunkLimits,
    private readonly emit: (chunk: ProvenanceChunk) => void,
  ) {}

  /** Records that `input` produced `outputs` (none when it was dropped). */
  record(input: unknown, outputs: readonly unknown[]): void {
    const inputIds: string[] = [];
    this.collectIds(input, inputIds);
    const outputIds: string[] = [];
    for (const output of outputs) this.collectIds(output, outputIds);
    this.makeRoom(inputIds.length + outputIds.length, charsOf(inputIds) + charsOf(outputIds));
    const keptIds = inputIds.length === outputIds.length && inputIds.every((id, at) => id === outputIds[at]);
    if (this.outputsAreInputs && !keptIds) this.divergeOutputs();
    for (const id of inputIds) this.inputs.push(id);
    if (!this.outputsAreInputs) for (const id of outputIds) this.outputs.push(id);
    this.endGroup(inputIds.length, outputIds.length);
  }

  /** The common 1→1 case, without arrays. */
  recordOne(input: unknown, output: unknown): void {
    if (Array.isArray(input) || Array.isArray(output)) {
      this.record(input, [output]);
      return;
    }
    const inputId = this.idOf(input);
    const outputId = this.idOf(output);
    const inCount = inputId === '' ? 0 : 1;
    const outCount = outputId === '' ? 0 : 1;
    this.makeRoom(inCount + outCount, inCount + inputId.length + outCount + outputId.length);
    if (this.outputsAreInputs && inputId !== outputId) this.divergeOutputs();
    if (inCount === 1) this.inputs.push(inputId);
    if (outCount === 1 && !this.outputsAreInputs) this.outputs.push(outputId);
    this.endGroup(inCount, outCount);
  }

  /** Emits whatever has been recorded since the last chunk. */
  flush(): void {
    if (this.groups.length === 0) return;
    const inputCount = this.inputs.count;
    const outputsAreInputs = this.outputsAreInputs && inputCount > 0;
    const outputCount = this.outputsAreInputs ? inputCount : this.outputs.count;
    const itemRefs: PackedItemRefs = {
      inputIds: this.inputs.take(),
      inputCount,
      outputIds: this.outputs.take(),
      outputCount,
      outputsAreInputs,
      pairing: this.groups,
    };
    const endedAt = Date.now();
    this.emit({
      index: this.chunkIndex++,
      itemRefs,
      startedAt: this.chunkStartedAt,
      endedAt,
    });
    this.chunkStartedAt = endedAt;
    this.groups = [];
    this.outputsAreInputs = true;
    this.refs = 0;
    this.chars = 0;
  }

  /** Emits the chunk so far when a group of this size would push it over a limit. */
  private makeRoom(refs: number, chars: number): void {
    this.refs += refs;
    this.chars += chars;
    const { maxRefs, maxChars } = this.limits;
    if (this.refs === refs || (this.refs <= maxRefs && this.chars <= maxChars)) return;
    this.refs -= refs;
    this.chars -= chars;
    this.flush();
    this.refs = refs;
    this.chars = chars;
  }

  /** The outputs stop being the inputs: from here on they are collected, starting with the inputs so far. */
  private divergeOutputs(): void {
    this.outputs.copy(this.inputs);
    this.outputsAreInputs = false;
  }

  /** Closes the group just recorded; a chunk that reached a limit is emitted. */
  private endGroup(inCount: number, outCount: number): void {
    const groups = this.groups;
    const last = groups.length - 3;
    if (last >= 0 && groups[last] === inCount && groups[last + 1] === outCount) groups[last + 2] += 1;
    else groups.push(inCount, outCount, 1);
    if (this.refs >= this.limits.maxRefs || this.chars >= this.limits.maxChars) this.flush();
  }

  /** A sample's item id, or '' when it has none. */
  private idOf(sample: unknown): string {
    return this.itemIdOf(sample) ?? '';
  }

  private collectIds(sample: unknown, into: string[]): void {
    if (Array.isArray(sample)) {
      for (const element of sample) this.collectIds(element, into);
      return;
    }
    const id = this.idOf(sample);
    if (id !== '') into.push(id);
  }
}

function charsOf(ids: readonly string[]): number {
  let chars = 0;
  for (const id of ids) chars += id.length + 1;
  return chars;
}

/**
 * A step's packed item refs as (input, output) item id pairs, in order: each output with the inputs of
 * its sample group, or with every input when the pairing is not known.
 */
export function provenancePairs(itemRefs: PackedItemRefs): [string, string][] {
  const { inputs, outputs } = unpackItemRefs(itemRefs);
  const groups = sampleGroupsOf(itemRefs);
  const groupOfInput = (at: number) => groups?.inputs[at] ?? 0;
  const outputsOfGroup = new Map<number, string[]>();
  outputs.forEach((output, at) => {
    const group = groups?.outputs[at] ?? 0;
    const members = outputsOfGroup.get(group);
    if (members) members.push(output);
    else outputsOfGroup.set(group, [output]);
  });
  return inputs.flatMap((input, at) =>
    (outputsOfGroup.get(groupOfInput(at)) ?? []).map((output): [string, string] => [input, output]),
  );
}
