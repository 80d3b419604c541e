import { Type, type Schema } from 'avsc';
import {
  compatibilityProblems,
  parseCompatibilityLevel,
  type CompatibilityLevel,
  type VersionedType,
} from './compatibility';
import { configRecord, schemaRecord, type LogRecord } from './log-records';
import { registryErrors } from './registry-error';
import {
  avroSchemaType,
  canonicalSchemaText,
  RegistryState,
  type StoredSchema,
  type SubjectVersion,
} from './registry-state';
import type { SchemaLog } from './schema-log';

/** The body of a register, lookup or compatibility request. */
export interface SchemaRequest {
  schema?: unknown;
  schemaType?: unknown;
  references?: unknown;
  /** Only in config bodies. */
  compatibility?: unknown;
}

interface ParsedSchema {
  /** Compact JSON, as stored and served. */
  text: string;
  type: Type;
}

/** `latest`, `-1` or a version number, as path segments carry them. */
export type VersionSelector = number | 'latest';

export function parseVersion(raw: string): VersionSelector {
  if (raw === 'latest' || raw === '-1') return 'latest';
  const version = Number(raw);
  if (!/^\d+$/.test(raw) || version < 1 || version > 2 ** 31 - 1) throw registryErrors.invalidVersion(raw);
  return version;
}

/**
 * The registry's behaviour, independent of HTTP and of where records are kept: Confluent semantics
 * for ids (global, one per distinct schema), versions, compatibility levels and soft deletes.
 * Writes are serialised and become visible only once the log has them, so an acknowledged id is
 * never lost or given to another schema.
 */
export class RegistryService {
  private readonly state = new RegistryState();
  private readonly parsedById = new Map<number, Type>();
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(private readonly log: SchemaLog) {}

  static async open(log: SchemaLog): Promise<RegistryService> {
    const service = new RegistryService(log);
    for (const record of await log.readAll()) service.state.apply(record);
    return service;
  }

  close(): Promise<void> {
    return this.log.close();
  }

  private commit<T>(change: () => { records: LogRecord[]; result: T }): Promise<T> {
    const next = this.writes.then(async () => {
      const { records, result } = change();
      if (records.length > 0) {
        await this.log.append(records);
        for (const record of records) this.state.apply(record);
      }
      return result;
    });
    this.writes = next.catch(() => undefined);
    return next;
  }

  private parse(request: SchemaRequest): ParsedSchema {
    const schemaType = request.schemaType ?? avroSchemaType;
    if (schemaType !== avroSchemaType) {
      throw registryErrors.invalidSchema(
        `schema type ${JSON.stringify(schemaType)} is not supported, only AVRO`,
      );
    }
    if (Array.isArray(request.references) && request.references.length > 0) {
      throw registryErrors.invalidSchema(
        'schema references are not supported; register self-contained schemas',
      );
    }
    if (typeof request.schema !== 'string') throw registryErrors.invalidSchema('"schema" must be a string');
    try {
      const json = JSON.parse(request.schema) as Schema;
      return { text: JSON.stringify(json), type: Type.forSchema(json) };
    } catch (error) {
      throw registryErrors.invalidSchema((error as Error).message);
    }
  }

  private typeOf(schema: StoredSchema): Type {
    let type = this.parsedById.get(schema.id);
    if (!type) {
      type = Type.forSchema(JSON.parse(schema.schema) as Schema);
      this.parsedById.set(schema.id, type);
    }
    return type;
  }

  private liveVersions(subject: string): SubjectVersion[] {
    const versions = this.state.versions(subject);
    if (versions.length === 0) throw registryErrors.subjectNotFound(subject);
    return versions;
  }

  private problems(subject: string, candidate: Type, against: SubjectVersion[]): string[] {
    const previous: VersionedType[] = against.map((entry) => ({
      version: entry.version,
      type: this.typeOf(entry),
    }));
    return compatibilityProblems(this.state.effectiveLevel(subject), candidate, previous);
  }

  /** Registers a schema under a subject; an identical schema already there returns its id unchecked. */
  async register(subject: string, request: SchemaRequest): Promise<{ id: number }> {
    const parsed = this.parse(request);
    return this.commit(() => {
      const live = this.state.versions(subject);
      const canonical = canonicalSchemaText(parsed.text);
      const existing = live.find((entry) => canonicalSchemaText(entry.schema) === canonical);
      if (existing) return { records: [], result: { id: existing.id } };
      const problems = this.problems(subject, parsed.type, live);
      if (problems.length > 0) {
        throw registryErrors.incompatible(
          `Schema being registered is incompatible with an earlier schema for subject "${subject}" (${this.state.effectiveLevel(subject)}), details: ${problems.join('; ')}`,
        );
      }
      const known = this.state.idOfContent(avroSchemaType, parsed.text);
      const id = known ?? this.state.nextId();
      const schema = known === undefined ? parsed.text : this.state.schemaById(known)!.schema;
      const version = this.state.nextVersion(subject);
      return { records: [schemaRecord({ subject, version, id, schema, deleted: false })], result: { id } };
    });
  }

  schemaById(id: number): StoredSchema {
    const schema = this.state.schemaById(id);
    if (!schema) throw registryErrors.schemaNotFound(`Schema ${id} not found`);
    return schema;
  }

  /** Subjects with at least one live version, sorted. */
  subjects(includeDeleted = false): string[] {
    return this.state.subjectNames(includeDeleted);
  }

  versionNumbers(subject: string): number[] {
    return this.liveVersions(subject).map((entry) => entry.version);
  }

  version(subject: string, selector: VersionSelector): SubjectVersion {
    const live = this.liveVersions(subject);
    const found = selector === 'latest' ? live.at(-1) : live.find((entry) => entry.version === selector);
    if (!found) throw registryErrors.versionNotFound(subject, selector);
    return found;
  }

  /** The version of a subject holding exactly this schema. */
  lookup(subject: string, request: SchemaRequest): SubjectVersion {
    const parsed = this.parse(request);
    const canonical = canonicalSchemaText(parsed.text);
    const found = this.liveVersions(subject).find((entry) => canonicalSchemaText(entry.schema) === canonical);
    if (!found) throw registryErrors.schemaNotFound();
    return found;
  }

  /**
   * Whether a schema could be registered next: against one version (the endpoint with a version)
   * or, for `undefined`, against the versions the subject's level names.
   */
  compatibility(
    subject: string,
    selector: VersionSelector | undefined,
    request: SchemaRequest,
  ): { compatible: boolean; messages: string[] } {
    const parsed = this.parse(request);
    const against = selector === undefined ? this.liveVersions(subject) : [this.version(subject, selector)];
    const messages = this.problems(subject, parsed.type, against);
    return { compatible: messages.length === 0, messages };
  }

  globalLevel(): CompatibilityLevel {
    return this.state.globalCompatibilityLevel();
  }

  /** The subject's own level; 40408 when it has none, which clients rely on. */
  subjectLevel(subject: string, defaultToGlobal = false): CompatibilityLevel {
    const level = this.state.subjectLevel(subject);
    if (level) return level;
    if (defaultToGlobal) return this.globalLevel();
    throw registryErrors.subjectLevelNotConfigured(subject);
  }

  /** Sets the global level (subject null) or a subject's level. */
  async setLevel(subject: string | null, raw: unknown): Promise<CompatibilityLevel> {
    const level = parseCompatibilityLevel(raw);
    if (!level) throw registryErrors.invalidCompatibilityLevel(raw);
    return this.commit(() => ({ records: [configRecord(subject, level)], result: level }));
  }

  deleteSubjectLevel(subject: string): Promise<CompatibilityLevel> {
    return this.commit(() => {
      const level = this.subjectLevel(subject);
      return { records: [configRecord(subject, null)], result: level };
    });
  }

  /** Soft-deletes every version of a subject; ids stay resolvable for data already written. */
  deleteSubject(subject: string): Promise<number[]> {
    return this.commit(() => {
      const live = this.liveVersions(subject);
      return {
        records: live.map((entry) => schemaRecord({ ...withoutType(entry), deleted: true })),
        result: live.map((entry) => entry.version),
      };
    });
  }

  deleteVersion(subject: string, selector: VersionSelector): Promise<number> {
    return this.commit(() => {
      const entry = this.version(subject, selector);
      return { records: [schemaRecord({ ...withoutType(entry), deleted: true })], result: entry.version };
    });
  }
}

/** A stored version as a log value: `schemaType` omitted for AVRO, as Confluent writes it. */
function withoutType(entry: SubjectVersion) {
  const { subject, version, id, schema, schemaType } = entry;
  return { subject, version, id, schema, ...(schemaType === avroSchemaType ? {} : { schemaType }) };
}
