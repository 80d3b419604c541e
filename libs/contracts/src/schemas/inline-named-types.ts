import {
  avroPrimitives,
  fullNameOf,
  namespaceOf,
  type AvroComplexSchema,
  type AvroSchema,
} from './avro-schema';

/** A schema refers to a named type that is neither defined before it nor among the shared types. */
export class SchemaDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaDefinitionError';
  }
}

const namedKinds: ReadonlySet<string> = new Set(['record', 'error', 'enum', 'fixed']);

/**
 * Makes a schema self-contained: the first reference to each shared named type (e.g.
 * `strata.v1.Envelope`) is replaced by its definition, later ones stay references, as Avro requires.
 * Self-contained schemas are what the registry stores and what any reader in any language fetches,
 * while the shared definitions are written only once under `schemas/types/`.
 */
export function inlineNamedTypes(
  schema: AvroSchema,
  sharedTypes: ReadonlyMap<string, AvroComplexSchema>,
): AvroSchema {
  const defined = new Set<string>();

  const visit = (node: AvroSchema, namespace: string | undefined, trail: string[]): AvroSchema => {
    if (typeof node === 'string') {
      if (avroPrimitives.has(node)) return node;
      const fullName = fullNameOf(node, namespace);
      if (defined.has(fullName)) return fullName;
      const shared = sharedTypes.get(fullName);
      if (!shared) {
        throw new SchemaDefinitionError(`unknown type "${node}" at ${trail.join('.') || '(root)'}`);
      }
      // Marked as defined before its fields are visited, so a recursive reference stays a name.
      return visit(structuredClone(shared), namespace, trail);
    }
    if (Array.isArray(node)) return node.map((branch) => visit(branch, namespace, trail));
    return visitComplex(node, namespace, trail);
  };

  const visitComplex = (
    node: AvroComplexSchema,
    namespace: string | undefined,
    trail: string[],
  ): AvroComplexSchema => {
    const kind = node.type;
    if (typeof kind !== 'string') return { ...node, type: visit(kind, namespace, trail) };
    if (namedKinds.has(kind) && node.name !== undefined) {
      const fullName = fullNameOf(node.name, node.namespace ?? namespace);
      if (defined.has(fullName)) {
        throw new SchemaDefinitionError(`type "${fullName}" is defined twice`);
      }
      defined.add(fullName);
      if (!node.fields) return node;
      const inner = namespaceOf(fullName);
      return {
        ...node,
        fields: node.fields.map((field) => ({
          ...field,
          type: visit(field.type, inner, [...trail, field.name]),
        })),
      };
    }
    if (kind === 'array' && node.items !== undefined) {
      return { ...node, items: visit(node.items, namespace, trail) };
    }
    if (kind === 'map' && node.values !== undefined) {
      return { ...node, values: visit(node.values, namespace, trail) };
    }
    return node;
  };

  return visit(schema, undefined, []);
}
