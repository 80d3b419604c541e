/** CRC-32C (Castagnoli), the checksum of RecordBatch v2; slicing-by-8 tables, no native module needed. */
const POLYNOMIAL = 0x82f63b78;
const TABLES = Array.from({ length: 8 }, () => new Int32Array(256));

for (let n = 0; n < 256; n++) {
  let crc = n;
  for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ POLYNOMIAL : crc >>> 1;
  TABLES[0][n] = crc;
}
for (let n = 0; n < 256; n++) {
  for (let table = 1; table < 8; table++) {
    const previous = TABLES[table - 1][n];
    TABLES[table][n] = (previous >>> 8) ^ TABLES[0][previous & 0xff];
  }
}
const [T0, T1, T2, T3, T4, T5, T6, T7] = TABLES;

export function crc32c(buffer: Buffer, start = 0, end = buffer.length): number {
  let crc = ~0;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    crc ^= buffer[i] | (buffer[i + 1] << 8) | (buffer[i + 2] << 16) | (buffer[i + 3] << 24);
    crc =
      T7[crc & 0xff] ^
      T6[(crc >>> 8) & 0xff] ^
      T5[(crc >>> 16) & 0xff] ^
      T4[crc >>> 24] ^
      T3[buffer[i + 4]] ^
      T2[buffer[i + 5]] ^
      T1[buffer[i + 6]] ^
      T0[buffer[i + 7]];
  }
  for (; i < end; i++) crc = T0[(crc ^ buffer[i]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}
