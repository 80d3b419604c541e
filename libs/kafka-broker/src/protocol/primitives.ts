/** Thrown when a frame does not decode; the connection that sent it is closed. */
export class MalformedFrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedFrameError';
  }
}

/**
 * Bounds-checked big-endian reader over one request frame. Byte fields are returned as views into
 * the frame (no copy), which is what keeps produce from re-encoding anything.
 */
export class Reader {
  constructor(
    readonly buffer: Buffer,
    public offset = 0,
  ) {}

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  private take(size: number): number {
    if (size < 0 || this.offset + size > this.buffer.length) {
      throw new MalformedFrameError(`read of ${size} bytes past end of frame at ${this.offset}`);
    }
    const at = this.offset;
    this.offset += size;
    return at;
  }

  int8(): number {
    return this.buffer.readInt8(this.take(1));
  }

  int16(): number {
    return this.buffer.readInt16BE(this.take(2));
  }

  int32(): number {
    return this.buffer.readInt32BE(this.take(4));
  }

  /** Offsets and timestamps stay far below 2^53, so a JS number is exact for them. */
  int64(): number {
    return Number(this.buffer.readBigInt64BE(this.take(8)));
  }

  boolean(): boolean {
    return this.int8() !== 0;
  }

  nullableString(): string | null {
    const length = this.int16();
    if (length < 0) return null;
    const at = this.take(length);
    return this.buffer.toString('utf8', at, at + length);
  }

  string(): string {
    const value = this.nullableString();
    if (value === null) throw new MalformedFrameError('null where a string is required');
    return value;
  }

  nullableBytes(): Buffer | null {
    const length = this.int32();
    if (length < 0) return null;
    const at = this.take(length);
    return this.buffer.subarray(at, at + length);
  }

  bytes(): Buffer {
    return this.nullableBytes() ?? Buffer.alloc(0);
  }

  nullableArray<T>(readItem: (reader: Reader) => T): T[] | null {
    const count = this.int32();
    if (count < 0) return null;
    return this.items(count, readItem);
  }

  array<T>(readItem: (reader: Reader) => T): T[] {
    return this.nullableArray(readItem) ?? [];
  }

  uvarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.buffer[this.take(1)];
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new MalformedFrameError('unsigned varint longer than 5 bytes');
  }

  /** Zigzag varint/varlong as used inside records; numbers stay exact up to 2^53. */
  varlong(): number {
    let raw = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      const byte = this.buffer[this.take(1)];
      raw += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    }
    throw new MalformedFrameError('varlong longer than 10 bytes');
  }

  skip(size: number): void {
    this.take(size);
  }

  compactNullableString(): string | null {
    const lengthPlusOne = this.uvarint();
    if (lengthPlusOne === 0) return null;
    const at = this.take(lengthPlusOne - 1);
    return this.buffer.toString('utf8', at, at + lengthPlusOne - 1);
  }

  /** Flexible versions carry tagged fields; Strata understands none, so they are skipped. */
  taggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.take(this.uvarint());
    }
  }

  private items<T>(count: number, readItem: (reader: Reader) => T): T[] {
    // Every item takes at least one byte, so a count beyond the frame is a lie, not a big array.
    if (count > this.remaining)
      throw new MalformedFrameError(`array of ${count} items in ${this.remaining} bytes`);
    const items = new Array<T>(count);
    for (let i = 0; i < count; i++) items[i] = readItem(this);
    return items;
  }
}

const LARGE_BYTES = 4096;

/**
 * Big-endian writer producing a list of chunks: small fields go into a scratch buffer, large byte
 * fields (fetched record batches) are passed through by reference so responses never copy them.
 */
export class Writer {
  private readonly chunks: Buffer[] = [];
  private scratch = Buffer.allocUnsafe(512);
  private position = 0;
  private flushed = 0;

  get length(): number {
    return this.flushed + this.position;
  }

  /** Reserves `size` bytes and returns where; may replace `scratch`, so call it before using scratch. */
  private room(size: number): number {
    if (this.position + size > this.scratch.length) {
      this.flushScratch();
      if (size > this.scratch.length)
        this.scratch = Buffer.allocUnsafe(Math.max(size, this.scratch.length * 2));
    }
    const at = this.position;
    this.position += size;
    return at;
  }

  private flushScratch(): void {
    if (this.position === 0) return;
    this.chunks.push(this.scratch.subarray(0, this.position));
    this.flushed += this.position;
    this.scratch = Buffer.allocUnsafe(this.scratch.length);
    this.position = 0;
  }

  int8(value: number): this {
    const at = this.room(1);
    this.scratch.writeInt8(value, at);
    return this;
  }

  int16(value: number): this {
    const at = this.room(2);
    this.scratch.writeInt16BE(value, at);
    return this;
  }

  int32(value: number): this {
    const at = this.room(4);
    this.scratch.writeInt32BE(value, at);
    return this;
  }

  int64(value: number): this {
    const at = this.room(8);
    this.scratch.writeBigInt64BE(BigInt(value), at);
    return this;
  }

  boolean(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  nullableString(value: string | null): this {
    if (value === null) return this.int16(-1);
    const length = Buffer.byteLength(value);
    this.int16(length);
    const at = this.room(length);
    this.scratch.write(value, at, length, 'utf8');
    return this;
  }

  string(value: string): this {
    return this.nullableString(value);
  }

  nullableBytes(value: Buffer | null): this {
    if (value === null) return this.int32(-1);
    this.int32(value.length);
    return this.raw(value);
  }

  bytes(value: Buffer): this {
    return this.nullableBytes(value);
  }

  /** Appends bytes without a length prefix; big ones by reference. */
  raw(value: Buffer): this {
    if (value.length >= LARGE_BYTES) {
      this.flushScratch();
      this.chunks.push(value);
      this.flushed += value.length;
    } else {
      const at = this.room(value.length);
      value.copy(this.scratch, at);
    }
    return this;
  }

  array<T>(items: readonly T[], writeItem: (writer: Writer, item: T) => void): this {
    this.int32(items.length);
    for (const item of items) writeItem(this, item);
    return this;
  }

  nullableArray<T>(items: readonly T[] | null, writeItem: (writer: Writer, item: T) => void): this {
    if (items === null) return this.int32(-1);
    return this.array(items, writeItem);
  }

  uvarint(value: number): this {
    let rest = value;
    while (rest >= 0x80) {
      const at = this.room(1);
      this.scratch[at] = (rest & 0x7f) | 0x80;
      rest = Math.floor(rest / 128);
    }
    const at = this.room(1);
    this.scratch[at] = rest;
    return this;
  }

  compactArray<T>(items: readonly T[], writeItem: (writer: Writer, item: T) => void): this {
    this.uvarint(items.length + 1);
    for (const item of items) writeItem(this, item);
    return this;
  }

  emptyTaggedFields(): this {
    return this.uvarint(0);
  }

  /** The chunks written so far, in order; the writer must not be used afterwards. */
  toChunks(): Buffer[] {
    this.flushScratch();
    return this.chunks;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.toChunks());
  }
}
