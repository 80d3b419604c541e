import { loadEventSchemas, validateEvent, type StrataEvent } from '@strata/contracts';
import type { FieldIssue } from '@strata/sdk';
import { Type, type types } from 'avsc';
import type { EventChecks } from './event-batch';

const typeDescriptions: Record<string, string> = {
  string: 'must be a string',
  long: 'must be an integer (times are epoch milliseconds)',
  int: 'must be a 32-bit integer',
  double: 'must be a number',
  float: 'must be a number',
  boolean: 'must be true or false',
  record: 'must be an object',
  map: 'must be an object of values',
  array: 'must be an array',
};

function describeMismatch(value: unknown, type: Type): string {
  if (value === undefined) return 'is required';
  if (type instanceof Type && type.typeName === 'enum') {
    return `must be one of ${(type as types.EnumType).symbols.join(', ')}, got ${JSON.stringify(value)}`;
  }
  if (type.typeName.startsWith('union')) {
    const branches = (type as types.UnwrappedUnionType).types.map((branch) => branch.typeName);
    return `must be ${branches.join(' or ')}, got ${JSON.stringify(value)}`;
  }
  return `${typeDescriptions[type.typeName] ?? `must be ${type.typeName}`}, got ${JSON.stringify(value)}`;
}

/** A copy of `value` with the schema's defaults filled in for absent fields (nested records too). */
function withDefaults(type: Type, value: unknown): unknown {
  if (
    !(type instanceof Type) ||
    type.typeName !== 'record' ||
    value === null ||
    typeof value !== 'object' ||
    Array.isArray(value)
  ) {
    return value;
  }
  const source = value as Record<string, unknown>;
  const filled: Record<string, unknown> = { ...source };
  for (const field of (type as types.RecordType).fields) {
    if (filled[field.name] === undefined) {
      const fallback: unknown = field.defaultValue();
      if (fallback !== undefined) filled[field.name] = fallback;
    } else {
      filled[field.name] = withDefaults(field.type, filled[field.name]);
    }
  }
  return filled;
}

/** Names fields a record schema does not declare (usually typos, which Avro would silently drop). */
function undeclaredFields(type: Type, value: unknown, path: string[], issues: FieldIssue[]): void {
  if (type.typeName !== 'record' || value === null || typeof value !== 'object' || Array.isArray(value)) {
    return;
  }
  const fields = (type as types.RecordType).fields;
  const declared = new Set(fields.map((field) => field.name));
  for (const name of Object.keys(value)) {
    if (!declared.has(name)) {
      issues.push({ field: [...path, name].join('.'), message: 'is not a field of this event' });
    }
  }
  for (const field of fields) {
    undeclaredFields(
      field.type,
      (value as Record<string, unknown>)[field.name],
      [...path, field.name],
      issues,
    );
  }
}

/**
 * Names string fields holding NUL: Kafka would take them, but PostgreSQL text and jsonb cannot store
 * NUL, so the event could never be projected.
 */
function nulCharacters(value: unknown, path: string[], issues: FieldIssue[]): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) {
      issues.push({
        field: path.join('.') || '(event)',
        message: 'must not contain NUL (\\u0000) characters',
      });
    }
  } else if (Array.isArray(value)) {
    value.forEach((child, index) => nulCharacters(child, [...path, String(index)], issues));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) nulCharacters(child, [...path, key], issues);
  }
}

const avroTypes = new Map(
  loadEventSchemas().map((schema) => [schema.name, Type.forSchema(schema.schema as never)]),
);

/**
 * The event model's checks for JSON input: the Avro record shape of each type (from schemas/, with
 * defaults filled in for absent optional fields), then validateEvent's semantic rules.
 */
export const eventModelChecks: EventChecks = {
  knownTypes: [...avroTypes.keys()],
  shape(type, event) {
    const avroType = avroTypes.get(type);
    if (!avroType) {
      return { value: event, issues: [{ field: 'type', message: `unknown event type "${type}"` }] };
    }
    const value = withDefaults(avroType, event);
    const issues: FieldIssue[] = [];
    avroType.isValid(value, {
      errorHook: (path, invalid, invalidType) => {
        issues.push({ field: path.join('.') || '(event)', message: describeMismatch(invalid, invalidType) });
      },
    });
    undeclaredFields(avroType, value, [], issues);
    return { value, issues };
  },
  // Typed events only (of the schema's shape, whose nesting the schema bounds), including those
  // mapped from OpenLineage and Label Studio payloads, whose text the NUL walk must see too.
  semanticIssues(event: StrataEvent) {
    const issues = validateEvent(event);
    nulCharacters(event.event, [], issues);
    return issues;
  },
};
