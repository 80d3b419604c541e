import { gunzipSync } from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { useFastestGzip } from './fast-gzip';

describe('useFastestGzip', () => {
  it("makes kafkajs's gzip codec write plain gzip at zlib's fastest level, and read it back", async () => {
    useFastestGzip();
    const codec = CompressionCodecs[CompressionTypes.GZIP]() as {
      compress(encoder: { buffer: Buffer }): Promise<Buffer>;
      decompress(buffer: Buffer): Promise<Buffer>;
    };
    const records = Buffer.from(Array.from({ length: 500 }, (_, index) => `item-${index}`).join('\u0000'));
    const compressed = await codec.compress({ buffer: records });
    // RFC 1952: byte 8 (XFL) is 4 when the compressor used its fastest algorithm, 2 for the slowest.
    expect(compressed[8]).toBe(4);
    expect(gunzipSync(compressed)).toEqual(records);
    expect(await codec.decompress(compressed)).toEqual(records);
  });
});
