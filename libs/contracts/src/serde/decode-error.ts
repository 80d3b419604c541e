/** Why bytes could not be turned into a Strata event. */
export type DecodeFailure =
  /** The message is empty or its first byte is not the Confluent wire format's magic byte 0. */
  | 'wrong-magic-byte'
  /** The registry does not know the schema id in the header. */
  | 'unknown-schema-id'
  /** The schema id names a schema that is not a Strata event record. */
  | 'not-a-strata-schema'
  /** The writer's schema cannot be read as this reader's schema of the same event. */
  | 'incompatible-schema'
  /** The header is truncated, or the Avro body does not match the writer's schema (corrupt or trailing bytes). */
  | 'malformed-payload';

/**
 * Bytes are not a Strata event. Permanent: retrying the same bytes fails the same way, so a consumer
 * dead-letters them. (A registry that cannot be reached is not a DecodeError: that is transient.)
 */
export class DecodeError extends Error {
  constructor(
    readonly reason: DecodeFailure,
    message: string,
    readonly schemaId?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DecodeError';
  }
}

/** An event could not be encoded with its registered schema; `fields` names where it does not fit. */
export class EncodeError extends Error {
  constructor(
    readonly eventType: string,
    readonly fields: string[],
    options?: { cause?: unknown },
  ) {
    super(`cannot encode ${eventType}: invalid ${fields.length ? fields.join(', ') : 'event'}`, options);
    this.name = 'EncodeError';
  }
}
