import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadEventSchemas } from '../schemas/schema-directory';
import { formatEventTypes, generatedTypesPath } from './format-types';

describe('generated/events.ts', () => {
  it('is up to date with schemas/ (run libs/contracts/scripts/generate-types.ts if not)', async () => {
    const expected = await formatEventTypes(loadEventSchemas());
    expect(readFileSync(generatedTypesPath, 'utf8')).toBe(expected);
  });
});
