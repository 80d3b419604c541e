import { describe, expect, it } from 'vitest';
import { MalformedFrameError, Reader, Writer } from './primitives';

describe('Writer', () => {
  it('keeps field order when small and large fields overflow the scratch buffer', () => {
    const writer = new Writer();
    for (let i = 0; i < 100; i++) writer.int32(i);
    writer.raw(Buffer.alloc(629, 7)); // copied, and forces a bigger scratch buffer
    writer.int64(2 ** 40);
    writer.raw(Buffer.alloc(5000, 9)); // passed by reference
    writer.string('end');
    const bytes = writer.toBuffer();
    expect(bytes.length).toBe(writer.length);
    const reader = new Reader(bytes);
    expect(Array.from({ length: 100 }, () => reader.int32())).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
    expect(bytes.subarray(400, 1029).every((byte) => byte === 7)).toBe(true);
    reader.skip(629);
    expect(reader.int64()).toBe(2 ** 40);
    reader.skip(5000);
    expect(reader.string()).toBe('end');
  });

  it('writes compact arrays and unsigned varints as flexible versions expect', () => {
    const bytes = new Writer()
      .uvarint(300)
      .compactArray([1, 2], (w, n) => w.int8(n))
      .emptyTaggedFields()
      .toBuffer();
    expect([...bytes]).toEqual([0xac, 0x02, 3, 1, 2, 0]);
  });
});

describe('Reader', () => {
  it('reads nullable strings, bytes and arrays', () => {
    const bytes = new Writer()
      .nullableString(null)
      .string('hé')
      .nullableBytes(null)
      .bytes(Buffer.from([1, 2]))
      .array(['x', 'y'], (w, s) => w.string(s))
      .toBuffer();
    const reader = new Reader(bytes);
    expect(reader.nullableString()).toBeNull();
    expect(reader.string()).toBe('hé');
    expect(reader.nullableBytes()).toBeNull();
    expect([...reader.bytes()]).toEqual([1, 2]);
    expect(reader.array((r) => r.string())).toEqual(['x', 'y']);
    expect(reader.remaining).toBe(0);
  });

  it('decodes zigzag varlongs as records use them', () => {
    expect(new Reader(Buffer.from([0x01])).varlong()).toBe(-1);
    expect(new Reader(Buffer.from([0x02])).varlong()).toBe(1);
    expect(new Reader(Buffer.from([0xd8, 0x04])).varlong()).toBe(300);
  });

  it('throws MalformedFrameError instead of reading past the frame', () => {
    expect(() => new Reader(Buffer.from([0, 5, 0x61])).string()).toThrow(MalformedFrameError);
    expect(() => new Reader(Buffer.from([0, 0, 0, 9, 1])).array((r) => r.int8())).toThrow(/array of 9 items/);
    expect(() => new Reader(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff])).uvarint()).toThrow(
      MalformedFrameError,
    );
    expect(() => new Reader(Buffer.from([0xff, 0xff])).string()).toThrow(/null where a string/);
  });
});
