import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Type, type Schema } from 'avsc';
import { describe, expect, it } from 'vitest';
import { eventTypes } from '../generated/events';
import type { AvroComplexSchema, AvroField, AvroSchema } from './avro-schema';
import { loadEventSchemas } from './schema-directory';

/** Every record field of a schema, with its path, for convention checks. */
function fieldsOf(schema: AvroSchema, trail = ''): { path: string; field: AvroField }[] {
  if (typeof schema === 'string') return [];
  if (Array.isArray(schema)) return schema.flatMap((branch) => fieldsOf(branch, trail));
  const node = schema as AvroComplexSchema;
  if (typeof node.type !== 'string') return fieldsOf(node.type, trail);
  const nested = [node.items, node.values].filter((inner) => inner !== undefined);
  return [
    ...(node.fields ?? []).flatMap((field) => [
      { path: `${trail}${field.name}`, field },
      ...fieldsOf(field.type, `${trail}${field.name}.`),
    ]),
    ...nested.flatMap((inner) => fieldsOf(inner, trail)),
  ];
}

describe('schemas/', () => {
  const schemas = loadEventSchemas();

  it('has one self-contained strata.v1 record per event type, envelope first', () => {
    expect(schemas.map((schema) => schema.name)).toEqual([...eventTypes]);
    for (const { schema, fullName } of schemas) {
      expect(fullName).toMatch(/^strata\.v1\./);
      expect(schema.fields[0].name).toBe('envelope');
      expect(Type.forSchema(schema as Schema).name).toBe(fullName);
    }
  });

  it('documents every field', () => {
    const undocumented = schemas.flatMap(({ name, schema }) =>
      fieldsOf(schema)
        .filter(({ field }) => !field.doc?.trim())
        .map(({ path: fieldPath }) => `${name}.${fieldPath}`),
    );
    expect(undocumented).toEqual([]);
  });

  it('defaults every nullable field to null, so it can be added and removed compatibly', () => {
    const wrong = schemas.flatMap(({ name, schema }) =>
      fieldsOf(schema)
        .filter(({ field }) => Array.isArray(field.type) && field.type.includes('null'))
        .filter(({ field }) => (field.type as AvroSchema[])[0] !== 'null' || field.default !== null)
        .map(({ path: fieldPath }) => `${name}.${fieldPath}`),
    );
    expect(wrong).toEqual([]);
  });

  it('uses the uuid and timestamp-millis logical types for ids and times', () => {
    const logical = (name: string, fieldPath: string) => {
      const found = fieldsOf(schemas.find((schema) => schema.name === name)!.schema).find(
        (entry) => entry.path === fieldPath,
      );
      return JSON.stringify(found?.field.type);
    };
    expect(logical('LabelCreated', 'envelope.eventId')).toContain('"uuid"');
    expect(logical('LabelCreated', 'envelope.eventTime')).toContain('"timestamp-millis"');
    expect(logical('LabelCorrected', 'parents')).toContain('"uuid"');
    expect(logical('SnapshotFrozen', 'asOfTime')).toContain('"timestamp-millis"');
  });

  it('names the file of a schema that refers to an unknown type', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'strata-schemas-'));
    mkdirSync(path.join(directory, 'types'));
    writeFileSync(
      path.join(directory, 'Broken.avsc'),
      JSON.stringify({ type: 'record', name: 'Broken', fields: [{ name: 'e', type: 'strata.v1.Missing' }] }),
    );
    expect(() => loadEventSchemas(directory)).toThrow(/Broken\.avsc: unknown type "strata.v1.Missing" at e/);
  });
});
