/**
 * The JSON form of an Avro schema, as written in `.avsc` files. Only the shapes Strata's tooling
 * inspects are spelled out; anything else passes through untouched.
 */
export type AvroSchema = string | AvroSchema[] | AvroComplexSchema;

export interface AvroField {
  name: string;
  type: AvroSchema;
  doc?: string;
  default?: unknown;
}

export interface AvroComplexSchema {
  type: string | AvroSchema;
  name?: string;
  namespace?: string;
  doc?: string;
  fields?: AvroField[];
  symbols?: string[];
  items?: AvroSchema;
  values?: AvroSchema;
  logicalType?: string;
  [attribute: string]: unknown;
}

/** A named record schema, the form of every event schema. */
export interface AvroRecordSchema extends AvroComplexSchema {
  type: 'record';
  name: string;
  fields: AvroField[];
}

export const avroPrimitives: ReadonlySet<string> = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);

/** Resolves a possibly relative Avro name against the enclosing namespace (Avro spec "Names"). */
export function fullNameOf(name: string, namespace: string | undefined): string {
  if (name.includes('.') || !namespace) return name;
  return `${namespace}.${name}`;
}

/** The namespace a full name lives in ("" for none). */
export function namespaceOf(fullName: string): string {
  const dot = fullName.lastIndexOf('.');
  return dot < 0 ? '' : fullName.slice(0, dot);
}

export function isRecordSchema(schema: AvroSchema): schema is AvroRecordSchema {
  return typeof schema === 'object' && !Array.isArray(schema) && schema.type === 'record';
}
