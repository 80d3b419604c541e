/** Build schemas are named by the operator (`strata rebuild --into NAME`), so the name is checked before it reaches SQL. */
const schemaNamePattern = /^[a-z_][a-z0-9_]*$/;

export class InvalidSchemaNameError extends Error {
  constructor(name: string) {
    super(
      `invalid build schema name "${name}": it must match ${schemaNamePattern} and be at most 63 characters`,
    );
    this.name = 'InvalidSchemaNameError';
  }
}

/** The schema name as a quoted SQL identifier, after checking it; the only way names enter SQL text. */
export function quotedSchema(name: string): string {
  if (!schemaNamePattern.test(name) || name.length > 63) throw new InvalidSchemaNameError(name);
  return `"${name}"`;
}
