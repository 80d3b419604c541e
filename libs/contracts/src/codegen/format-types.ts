import path from 'node:path';
import { format, resolveConfig } from 'prettier';
import type { EventSchema } from '../schemas/event-schemas';
import { renderEventTypes } from './render-types';

/** Where the generated declarations are checked in. */
export const generatedTypesPath = path.join(__dirname, '..', 'generated', 'events.ts');

/** The generated file's exact content: rendered types formatted by the repository's prettier config. */
export async function formatEventTypes(events: EventSchema[]): Promise<string> {
  const options = await resolveConfig(generatedTypesPath);
  return format(renderEventTypes(events), { ...options, filepath: generatedTypesPath });
}
