import type { Type } from 'avsc';

export const compatibilityLevels = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;
export type CompatibilityLevel = (typeof compatibilityLevels)[number];

/** Confluent's default, and the one @kafkajs/confluent-schema-registry expects unless told otherwise. */
export const defaultCompatibilityLevel: CompatibilityLevel = 'BACKWARD';

export function parseCompatibilityLevel(raw: unknown): CompatibilityLevel | undefined {
  if (typeof raw !== 'string') return undefined;
  const level = raw.toUpperCase();
  return (compatibilityLevels as readonly string[]).includes(level)
    ? (level as CompatibilityLevel)
    : undefined;
}

export interface VersionedType {
  version: number;
  type: Type;
}

function describe(type: Type): string {
  if (type.name) return type.name;
  const union = (type as unknown as { types?: Type[] }).types;
  if (union) return union.map(describe).join(' | ');
  const items = (type as unknown as { itemsType?: Type }).itemsType;
  if (items) return `array of ${describe(items)}`;
  const values = (type as unknown as { valuesType?: Type }).valuesType;
  if (values) return `map of ${describe(values)}`;
  return type.typeName;
}

interface RecordField {
  name: string;
  type: Type;
  defaultValue(): unknown;
  aliases: string[];
}

function fieldsOf(type: Type): RecordField[] | undefined {
  return (type as unknown as { fields?: RecordField[] }).fields;
}

/**
 * Why `reader` cannot read data written with `writer`, naming the field path; undefined when it can.
 * avsc's resolver decides; this walk only finds the field to blame, because avsc's own message omits it.
 */
export function readProblem(reader: Type, writer: Type, path = ''): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (error) {
    const readerFields = fieldsOf(reader);
    const writerFields = fieldsOf(writer);
    if (readerFields && writerFields) {
      for (const field of readerFields) {
        const fieldPath = path ? `${path}.${field.name}` : field.name;
        const source = writerFields.find(
          (candidate) => candidate.name === field.name || field.aliases.includes(candidate.name),
        );
        if (!source) {
          if (field.defaultValue() === undefined) {
            return `field '${fieldPath}' is missing from the writer's schema and has no default in the reader's`;
          }
          continue;
        }
        const inner = readProblem(field.type, source.type, fieldPath);
        if (inner) return inner;
      }
    }
    const at = path ? `field '${path}' ` : '';
    return `${at}is ${describe(reader)} in the reader's schema but ${describe(writer)} in the writer's, which it cannot read (${(error as Error).message})`;
  }
}

/**
 * Every reason `candidate` may not follow `previous` (oldest first) under `level`; empty when it may.
 * BACKWARD: the candidate reads data of the latest version. FORWARD: the latest version reads the
 * candidate's data. FULL: both. *_TRANSITIVE: against every version instead of the latest.
 */
export function compatibilityProblems(
  level: CompatibilityLevel,
  candidate: Type,
  previous: VersionedType[],
): string[] {
  if (level === 'NONE' || previous.length === 0) return [];
  const against = level.endsWith('_TRANSITIVE') ? previous : previous.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const problems: string[] = [];
  for (const { version, type } of against) {
    const newReadsOld = backward ? readProblem(candidate, type) : undefined;
    if (newReadsOld)
      problems.push(`new schema cannot read data written with version ${version}: ${newReadsOld}`);
    const oldReadsNew = forward ? readProblem(type, candidate) : undefined;
    if (oldReadsNew)
      problems.push(`version ${version} cannot read data written with the new schema: ${oldReadsNew}`);
  }
  return problems;
}
