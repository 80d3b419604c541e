import { describe, expect, it } from 'vitest';
import { DecodeError } from './decode-error';
import { parseWireFormat } from './wire-format';

const reasonOf = (bytes: Buffer) => {
  try {
    parseWireFormat(bytes);
  } catch (error) {
    return error instanceof DecodeError ? error.reason : 'other';
  }
  return 'none';
};

describe('parseWireFormat', () => {
  it('reads the big-endian schema id and the body', () => {
    const message = parseWireFormat(Buffer.from([0, 0, 1, 0, 2, 0xaa, 0xbb]));
    expect(message.schemaId).toBe(65538);
    expect([...message.payload]).toEqual([0xaa, 0xbb]);
  });

  it('refuses a wrong magic byte, naming it', () => {
    expect(() => parseWireFormat(Buffer.from([1, 0, 0, 0, 1, 2]))).toThrow(
      /expected magic byte 0x00, got 0x01/,
    );
    expect(reasonOf(Buffer.from('{"json":true}'))).toBe('wrong-magic-byte');
  });

  it('refuses an empty message and a truncated header', () => {
    expect(reasonOf(Buffer.alloc(0))).toBe('wrong-magic-byte');
    expect(reasonOf(Buffer.from([0, 0, 0, 1]))).toBe('malformed-payload');
  });
});
