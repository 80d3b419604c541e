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
  inputs: string[];
  outputs: string[];
  /**
   * Run-length pairing of inputs to outputs: triples (inCount, outCount, repeat), each meaning
   * "`repeat` times, the next inCount inputs produced the next outCount outputs". A map of 1,000
   * samples is [1, 1, 1000]; a dropped sample (1, 0, 1); a fan-out (1, k, 1). Exact per-sample
   * mapping in a few integers per chunk.
   */
  groups: number[];
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

/**
 * Collects per-sample input→output item references for one step and hands them on in chunks within
 * {@link ChunkLimits} (one group is never split). The hot path is a few array pushes, one addition and
 * two comparisons per sample.
 */
export class ProvenanceRecorder {
  private inputs: string[] = [];
  private outputs: string[] = [];
  private groups: number[] = [];
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
    const inputsBefore = this.inputs.length;
    const outputsBefore = this.outputs.length;
    const inCount = this.pushRefs(input, this.inputs);
    let outCount = 0;
    for (const output of outputs) outCount += this.pushRefs(output, this.outputs);
    this.endGroup(inCount, outCount, inputsBefore, outputsBefore);
  }

  /** The common 1→1 case without allocating an array for the output. */
  recordOne(input: unknown, output: unknown): void {
    const inputsBefore = this.inputs.length;
    const outputsBefore = this.outputs.length;
    const inCount = this.pushRefs(input, this.inputs);
    const outCount = this.pushRefs(output, this.outputs);
    this.endGroup(inCount, outCount, inputsBefore, outputsBefore);
  }

  /** Emits whatever has been recorded since the last chunk. */
  flush(): void {
    if (this.groups.length === 0) return;
    this.emitChunk(this.inputs, this.outputs, this.groups);
    this.inputs = [];
    this.outputs = [];
    this.groups = [];
    this.chars = 0;
  }

  /**
   * Closes the group just recorded. A chunk that this group pushes over a limit is emitted without
   * it, and the group starts the next chunk, so chunks stay within the limits unless one group alone
   * exceeds them.
   */
  private endGroup(inCount: number, outCount: number, inputsBefore: number, outputsBefore: number): void {
    const groups = this.groups;
    const last = groups.length - 3;
    if (last >= 0 && groups[last] === inCount && groups[last + 1] === outCount) groups[last + 2] += 1;
    else groups.push(inCount, outCount, 1);
    const refs = this.inputs.length + this.outputs.length;
    const { maxRefs, maxChars } = this.limits;
    if (refs < maxRefs && this.chars < maxChars) return;
    if ((refs > maxRefs || this.chars > maxChars) && inputsBefore + outputsBefore > 0) {
      // Move the group just recorded to a chunk of its own making.
      const kept = groups.slice();
      if (kept[kept.length - 1] > 1) kept[kept.length - 1] -= 1;
      else kept.length -= 3;
      this.emitChunk(this.inputs.slice(0, inputsBefore), this.outputs.slice(0, outputsBefore), kept);
      this.inputs = this.inputs.slice(inputsBefore);
      this.outputs = this.outputs.slice(outputsBefore);
      this.groups = [inCount, outCount, 1];
      this.chars = charsOf(this.inputs) + charsOf(this.outputs);
      return;
    }
    this.flush();
  }

  private emitChunk(inputs: string[], outputs: string[], groups: number[]): void {
    const endedAt = Date.now();
    this.emit({ index: this.chunkIndex++, inputs, outputs, groups, startedAt: this.chunkStartedAt, endedAt });
    this.chunkStartedAt = endedAt;
  }

  private pushRefs(sample: unknown, into: string[]): number {
    if (Array.isArray(sample)) {
      let count = 0;
      for (const element of sample) count += this.pushRefs(element, into);
      return count;
    }
    const id = this.itemIdOf(sample);
    if (id === undefined || id === '') return 0;
    into.push(id);
    this.chars += id.length + 1;
    return 1;
  }
}

function charsOf(ids: readonly string[]): number {
  let chars = 0;
  for (const id of ids) chars += id.length + 1;
  return chars;
}

/** Expands a chunk's run-length groups back into (input, output) item id pairs. */
export function provenancePairs(
  chunk: Pick<ProvenanceChunk, 'inputs' | 'outputs' | 'groups'>,
): [string, string][] {
  const pairs: [string, string][] = [];
  let inputAt = 0;
  let outputAt = 0;
  for (let group = 0; group < chunk.groups.length; group += 3) {
    const [inCount, outCount, repeat] = chunk.groups.slice(group, group + 3);
    for (let time = 0; time < repeat; time++) {
      for (let i = 0; i < inCount; i++) {
        for (let o = 0; o < outCount; o++) {
          pairs.push([chunk.inputs[inputAt + i], chunk.outputs[outputAt + o]]);
        }
      }
      inputAt += inCount;
      outputAt += outCount;
    }
  }
  return pairs;
}
