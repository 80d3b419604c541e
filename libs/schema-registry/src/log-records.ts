import type { CompatibilityLevel } from './compatibility';

/**
 * Records of the `_schemas` topic, in the key/value layout Confluent Schema Registry itself uses, so
 * the topic reads the same to anyone who knows that format. Later records with the same key win.
 */
export interface SchemaKey {
  keytype: 'SCHEMA';
  subject: string;
  version: number;
  magic: 1;
}

export interface SchemaValue {
  subject: string;
  version: number;
  id: number;
  schema: string;
  /** Absent for AVRO, as in Confluent's format. */
  schemaType?: string;
  deleted: boolean;
}

export interface ConfigKey {
  keytype: 'CONFIG';
  /** null for the global level. */
  subject: string | null;
  magic: 0;
}

export interface ConfigValue {
  compatibilityLevel: CompatibilityLevel;
}

export type LogRecord =
  | { key: SchemaKey; value: SchemaValue }
  /** A null config value removes a subject's own level, falling back to the global one. */
  | { key: ConfigKey; value: ConfigValue | null };

export function schemaRecord(value: SchemaValue): LogRecord {
  return { key: { keytype: 'SCHEMA', subject: value.subject, version: value.version, magic: 1 }, value };
}

export function configRecord(subject: string | null, level: CompatibilityLevel | null): LogRecord {
  return {
    key: { keytype: 'CONFIG', subject, magic: 0 },
    value: level === null ? null : { compatibilityLevel: level },
  };
}

/** Kafka message bytes of a record: JSON key and value, a null value for a tombstone. */
export function serializeRecord(record: LogRecord): { key: string; value: string | null } {
  return {
    key: JSON.stringify(record.key),
    value: record.value === null ? null : JSON.stringify(record.value),
  };
}

/**
 * Parses a `_schemas` message; undefined for keys this registry does not use (e.g. Confluent's NOOP
 * or DELETE_SUBJECT markers), which carry no state of their own.
 */
export function parseRecord(
  key: Buffer | string | null,
  value: Buffer | string | null,
): LogRecord | undefined {
  if (key === null) return undefined;
  const parsedKey = JSON.parse(key.toString()) as { keytype?: string };
  const parsedValue = value === null ? null : (JSON.parse(value.toString()) as unknown);
  if (parsedKey.keytype === 'SCHEMA' && parsedValue !== null) {
    return { key: parsedKey as SchemaKey, value: parsedValue as SchemaValue };
  }
  if (parsedKey.keytype === 'CONFIG') {
    return { key: parsedKey as ConfigKey, value: parsedValue as ConfigValue | null };
  }
  return undefined;
}
