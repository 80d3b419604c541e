// Regenerates libs/contracts/src/generated/events.ts from schemas/. A test fails while it is stale.
import { writeFileSync } from 'node:fs';
import { formatEventTypes, generatedTypesPath } from '../src/codegen/format-types';
import { loadEventSchemas } from '../src/schemas/schema-directory';

async function main(): Promise<void> {
  writeFileSync(generatedTypesPath, await formatEventTypes(loadEventSchemas()));
  process.stdout.write(`wrote ${generatedTypesPath}\n`);
}

void main();
