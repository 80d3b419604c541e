import { defaultCompatibilityLevel, type CompatibilityLevel } from './compatibility';
import type { ConfigValue, LogRecord, SchemaValue } from './log-records';

/** The default schema type; Confluent omits `schemaType` for it. */
export const avroSchemaType = 'AVRO';

export interface StoredSchema {
  id: number;
  schema: string;
  schemaType: string;
}

export interface SubjectVersion extends StoredSchema {
  subject: string;
  version: number;
  deleted: boolean;
}

/**
 * JSON with object keys sorted and no whitespace, so schemas that differ only in layout are one
 * schema: they get one id, and re-registering one returns the existing version.
 */
export function canonicalSchemaText(schema: string): string {
  const sortKeys = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortKeys);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  };
  return JSON.stringify(sortKeys(JSON.parse(schema)));
}

/**
 * The registry's whole state, folded from `_schemas` records in log order. Pure: no I/O, so replaying
 * the topic at start and applying a fresh write go through the same code.
 */
export class RegistryState {
  private readonly schemasById = new Map<number, StoredSchema>();
  private readonly idsByContent = new Map<string, number>();
  private readonly subjects = new Map<string, Map<number, SubjectVersion>>();
  private readonly subjectLevels = new Map<string, CompatibilityLevel>();
  private globalLevel: CompatibilityLevel = defaultCompatibilityLevel;

  apply(record: LogRecord): void {
    if (record.key.keytype === 'CONFIG') {
      const level = (record.value as ConfigValue | null)?.compatibilityLevel;
      const subject = record.key.subject;
      if (subject === null) this.globalLevel = level ?? defaultCompatibilityLevel;
      else if (level) this.subjectLevels.set(subject, level);
      else this.subjectLevels.delete(subject);
      return;
    }
    this.applySchema(record.value as SchemaValue);
  }

  private applySchema(value: SchemaValue): void {
    const schemaType = value.schemaType ?? avroSchemaType;
    if (!this.schemasById.has(value.id)) {
      this.schemasById.set(value.id, { id: value.id, schema: value.schema, schemaType });
      this.idsByContent.set(contentKey(schemaType, value.schema), value.id);
    }
    let versions = this.subjects.get(value.subject);
    if (!versions) {
      versions = new Map();
      this.subjects.set(value.subject, versions);
    }
    versions.set(value.version, {
      subject: value.subject,
      version: value.version,
      id: value.id,
      schema: value.schema,
      schemaType,
      deleted: value.deleted,
    });
  }

  schemaById(id: number): StoredSchema | undefined {
    return this.schemasById.get(id);
  }

  /** The id an identical schema already has under any subject. */
  idOfContent(schemaType: string, schema: string): number | undefined {
    return this.idsByContent.get(contentKey(schemaType, schema));
  }

  nextId(): number {
    return Math.max(0, ...this.schemasById.keys()) + 1;
  }

  /** Version numbers are never reused, even after a soft delete. */
  nextVersion(subject: string): number {
    return Math.max(0, ...(this.subjects.get(subject)?.keys() ?? [])) + 1;
  }

  subjectNames(includeDeleted = false): string[] {
    return [...this.subjects.keys()]
      .filter((subject) => this.versions(subject, includeDeleted).length > 0)
      .sort();
  }

  /** The subject's versions, oldest first. */
  versions(subject: string, includeDeleted = false): SubjectVersion[] {
    const versions = [...(this.subjects.get(subject)?.values() ?? [])];
    return versions.filter((entry) => includeDeleted || !entry.deleted).sort((a, b) => a.version - b.version);
  }

  subjectLevel(subject: string): CompatibilityLevel | undefined {
    return this.subjectLevels.get(subject);
  }

  globalCompatibilityLevel(): CompatibilityLevel {
    return this.globalLevel;
  }

  effectiveLevel(subject: string): CompatibilityLevel {
    return this.subjectLevels.get(subject) ?? this.globalLevel;
  }
}

function contentKey(schemaType: string, schema: string): string {
  return `${schemaType}\n${canonicalSchemaText(schema)}`;
}
