import { DecodeError } from './decode-error';

/** Confluent wire format: magic byte 0, the schema id as a big-endian int32, then the Avro body. */
export const magicByte = 0;
export const wireHeaderBytes = 5;

export interface WireMessage {
  schemaId: number;
  payload: Buffer;
}

export function parseWireFormat(bytes: Buffer): WireMessage {
  if (bytes.length === 0 || bytes[0] !== magicByte) {
    const first = bytes.length === 0 ? 'an empty message' : `0x${bytes[0].toString(16).padStart(2, '0')}`;
    throw new DecodeError(
      'wrong-magic-byte',
      `not Confluent wire format: expected magic byte 0x00, got ${first}`,
    );
  }
  if (bytes.length < wireHeaderBytes) {
    throw new DecodeError(
      'malformed-payload',
      `truncated header: ${bytes.length} bytes, a schema id needs 5`,
    );
  }
  return { schemaId: bytes.readInt32BE(1), payload: bytes.subarray(wireHeaderBytes) };
}
