import { promisify } from 'node:util';
import { gzip, unzip, constants } from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';

const compress = promisify(gzip);
const decompress = promisify(unzip);

/** kafkajs's codec interface: it hands `compress` its encoder, whose `buffer` holds the records. */
const fastestGzip = {
  compress: (encoder: { buffer: Buffer }) => compress(encoder.buffer, { level: constants.Z_BEST_SPEED }),
  decompress: (buffer: Buffer) => decompress(buffer),
};

/**
 * Makes kafkajs gzip record batches at zlib's fastest level instead of its default (6). On a chunk of
 * packed item ids (26 KB, 1000 samples) that is 137 µs instead of 472 µs for the same ratio (0.168
 * against 0.167): at the default level, compressing alone cost a pipeline ≈ 0.3 µs per sample and step.
 * What is written is still plain gzip, which every Kafka client and broker reads. kafkajs keeps one
 * codec table per process, so this holds for every kafkajs producer in it; decompression is unchanged.
 */
export function useFastestGzip(): void {
  CompressionCodecs[CompressionTypes.GZIP] = () => fastestGzip;
}
