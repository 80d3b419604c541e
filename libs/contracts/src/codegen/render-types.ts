import {
  avroPrimitives,
  fullNameOf,
  namespaceOf,
  type AvroComplexSchema,
  type AvroSchema,
} from '../schemas/avro-schema';
import type { EventSchema } from '../schemas/event-schemas';

const primitiveTypes: Record<string, string> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  bytes: 'Buffer',
  string: 'string',
};

function shortName(fullName: string): string {
  return fullName.slice(fullName.lastIndexOf('.') + 1);
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function comment(text: string | undefined, indent = ''): string {
  if (!text) return '';
  return `${indent}/** ${text.replaceAll('*/', '*\\/')} */\n`;
}

/**
 * Renders TypeScript declarations for every named type of the event schemas, in first-use order,
 * plus `eventTypes`, `EventType` and the `StrataEvent` tagged union. Avro longs and timestamps become
 * numbers (epoch milliseconds), nullable unions `T | null`, maps `Record<string, T>`, enums string
 * unions with their symbols as a constant array.
 */
export function renderEventTypes(events: EventSchema[]): string {
  const declarations: string[] = [];
  const declared = new Map<string, string>();

  const declare = (node: AvroComplexSchema & { name: string }, namespace: string | undefined): string => {
    const fullName = fullNameOf(node.name, node.namespace ?? namespace);
    const name = shortName(fullName);
    const clash = declared.get(name);
    if (clash !== undefined && clash !== fullName) {
      throw new Error(`types ${clash} and ${fullName} would both be named ${name} in TypeScript`);
    }
    if (clash !== undefined) return name;
    declared.set(name, fullName);
    if (node.type === 'enum') {
      const symbols = (node.symbols ?? []).map((symbol) => `'${symbol}'`).join(', ');
      const constant = `${lowerFirst(name)}Symbols`;
      declarations.push(
        `/** Symbols of {@link ${name}}, in schema order. */\nexport const ${constant} = [${symbols}] as const;\n` +
          `${comment(node.doc)}export type ${name} = (typeof ${constant})[number];\n`,
      );
    } else if (node.type === 'record' || node.type === 'error') {
      // Reserve the slot first so nested types are declared after the record that introduces them.
      const slot = declarations.push('') - 1;
      const inner = namespaceOf(fullName);
      const fields = (node.fields ?? []).map((field) => {
        const logical = logicalTypeOf(field.type);
        const doc = [field.doc, logical && `[${logical}]`].filter(Boolean).join(' ');
        return `${comment(doc, '  ')}  ${field.name}: ${render(field.type, inner)};\n`;
      });
      declarations[slot] = `${comment(node.doc)}export interface ${name} {\n${fields.join('')}}\n`;
    } else {
      declarations.push(`${comment(node.doc)}export type ${name} = Buffer;\n`);
    }
    return name;
  };

  const render = (node: AvroSchema, namespace: string | undefined): string => {
    if (typeof node === 'string') {
      return primitiveTypes[node] ?? shortName(fullNameOf(node, namespace));
    }
    if (Array.isArray(node)) {
      // `T | null` reads better than Avro's null-first order, which exists only for defaults.
      const branches = node.map((branch) => render(branch, namespace));
      return [
        ...branches.filter((type) => type !== 'null'),
        ...branches.filter((type) => type === 'null'),
      ].join(' | ');
    }
    if (typeof node.type !== 'string') return render(node.type, namespace);
    if (node.type === 'array') return `${wrap(render(node.items ?? 'null', namespace))}[]`;
    if (node.type === 'map') return `Record<string, ${render(node.values ?? 'null', namespace)}>`;
    if (avroPrimitives.has(node.type)) return primitiveTypes[node.type];
    if (node.name === undefined) throw new Error(`unnamed ${node.type} type`);
    return declare(node as AvroComplexSchema & { name: string }, namespace);
  };

  for (const event of events) render(event.schema, undefined);

  const names = events.map((event) => event.name);
  const union = names.map((name) => `  | { type: '${name}'; event: ${name} }`).join('\n');
  return (
    '// Generated from schemas/*.avsc by libs/contracts/scripts/generate-types.ts. Do not edit by hand:\n' +
    '// change the schemas and run `node -r @swc-node/register libs/contracts/scripts/generate-types.ts`.\n\n' +
    declarations.join('\n') +
    `\n/** The event types, one per schemas/*.avsc. */\n` +
    `export const eventTypes = [${names.map((name) => `'${name}'`).join(', ')}] as const;\n` +
    `export type EventType = (typeof eventTypes)[number];\n\n` +
    `/** A Strata event tagged with its type (the Avro record name). */\n` +
    `export type StrataEvent =\n${union};\n`
  );
}

function wrap(type: string): string {
  return type.includes('|') ? `(${type})` : type;
}

function logicalTypeOf(node: AvroSchema): string | undefined {
  if (typeof node === 'string') return undefined;
  if (Array.isArray(node)) return node.map(logicalTypeOf).find(Boolean);
  if (node.logicalType) return node.logicalType;
  if (node.type === 'array' && node.items !== undefined) return logicalTypeOf(node.items);
  return undefined;
}
