import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildEventSchemas, type EventSchema, type SchemaDocument } from './event-schemas';

/** Shared named types live here, one per file; every other `.avsc` directly in the directory is an event. */
export const sharedTypesFolder = 'types';

/** The repository's `schemas/` directory, found upwards from this file so it works from sources and builds. */
export function defaultSchemaDirectory(): string {
  let directory = __dirname;
  for (;;) {
    const candidate = path.join(directory, 'schemas');
    if (existsSync(path.join(candidate, sharedTypesFolder))) return candidate;
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error(`no schemas/ directory above ${__dirname}`);
    directory = parent;
  }
}

function readDocuments(directory: string): SchemaDocument[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory)
    .filter((file) => file.endsWith('.avsc'))
    .sort()
    .map((file) => {
      const source = path.join(directory, file);
      try {
        return { source, schema: JSON.parse(readFileSync(source, 'utf8')) as unknown };
      } catch (error) {
        throw new Error(`${source}: ${(error as Error).message}`);
      }
    });
}

/** Reads `schemas/*.avsc` and `schemas/types/*.avsc` into self-contained event schemas. */
export function loadEventSchemas(directory: string = defaultSchemaDirectory()): EventSchema[] {
  return buildEventSchemas(readDocuments(directory), readDocuments(path.join(directory, sharedTypesFolder)));
}
