import { Type, type Schema } from 'avsc';
import { fullNameOf, isRecordSchema, type AvroComplexSchema, type AvroRecordSchema } from './avro-schema';
import { inlineNamedTypes, SchemaDefinitionError } from './inline-named-types';

/** A parsed `.avsc` document and where it came from (for error messages). */
export interface SchemaDocument {
  source: string;
  schema: unknown;
}

/** One event type's self-contained schema, ready for the registry. */
export interface EventSchema {
  /** Record name, e.g. `LabelCreated`; also the `type` tag of the event in TypeScript. */
  name: string;
  /** Full Avro name, e.g. `strata.v1.LabelCreated`. */
  fullName: string;
  schema: AvroRecordSchema;
}

function asNamedSchema(document: SchemaDocument): AvroComplexSchema & { name: string } {
  const { schema, source } = document;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new SchemaDefinitionError(`${source}: a schema file must hold one named type`);
  }
  const named = schema as AvroComplexSchema;
  if (typeof named.name !== 'string') throw new SchemaDefinitionError(`${source}: the type has no name`);
  return named as AvroComplexSchema & { name: string };
}

/**
 * Turns event schema documents plus shared named types into self-contained event schemas, sorted by
 * name, each checked by avsc so a broken file fails here rather than at the registry.
 */
export function buildEventSchemas(events: SchemaDocument[], shared: SchemaDocument[]): EventSchema[] {
  const sharedTypes = new Map<string, AvroComplexSchema>();
  for (const document of shared) {
    const type = asNamedSchema(document);
    sharedTypes.set(fullNameOf(type.name, type.namespace), type);
  }
  return events
    .map((document) => {
      const declared = asNamedSchema(document);
      let schema;
      try {
        schema = inlineNamedTypes(declared, sharedTypes);
        Type.forSchema(schema as Schema);
      } catch (error) {
        throw new SchemaDefinitionError(`${document.source}: ${(error as Error).message}`);
      }
      if (!isRecordSchema(schema))
        throw new SchemaDefinitionError(`${document.source}: an event must be a record`);
      const fullName = fullNameOf(declared.name, declared.namespace);
      return { name: fullName.slice(fullName.lastIndexOf('.') + 1), fullName, schema };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
