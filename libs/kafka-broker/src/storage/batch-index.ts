/**
 * In-memory index of one segment: one entry per stored batch (batches are already chunky, so a dense
 * index stays small). Offsets are contiguous, so batch i covers [baseOffset(i), baseOffset(i+1)).
 * maxTimestamps holds the running maximum, which makes the time index monotonic and binary-searchable:
 * the first entry whose running maximum reaches T is the first batch holding a timestamp ≥ T.
 */
export class BatchIndex {
  private readonly baseOffsets: number[] = [];
  private readonly positions: number[] = [];
  private readonly maxTimestamps: number[] = [];

  get length(): number {
    return this.baseOffsets.length;
  }

  append(baseOffset: number, position: number, maxTimestamp: number): void {
    const previousMax = this.maxTimestamps.length
      ? this.maxTimestamps[this.maxTimestamps.length - 1]
      : -Infinity;
    this.baseOffsets.push(baseOffset);
    this.positions.push(position);
    this.maxTimestamps.push(Math.max(previousMax, maxTimestamp));
  }

  baseOffsetAt(entry: number): number {
    return this.baseOffsets[entry];
  }

  positionAt(entry: number): number {
    return this.positions[entry];
  }

  /** Running maximum timestamp up to and including this entry. */
  maxTimestampAt(entry: number): number {
    return this.maxTimestamps[entry];
  }

  /** The entry of the batch containing `offset`: the last one whose base offset is ≤ it, or −1. */
  entryContaining(offset: number): number {
    let low = 0;
    let high = this.baseOffsets.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (this.baseOffsets[middle] <= offset) {
        found = middle;
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return found;
  }

  /** The first entry holding a timestamp ≥ `timestamp`, or −1. */
  firstEntryReaching(timestamp: number): number {
    let low = 0;
    let high = this.maxTimestamps.length - 1;
    let found = -1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (this.maxTimestamps[middle] >= timestamp) {
        found = middle;
        high = middle - 1;
      } else {
        low = middle + 1;
      }
    }
    return found;
  }
}
