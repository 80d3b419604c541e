import { eventIdTables } from './migrations/0001_views';
import { quotedSchema } from './schema-name';

/**
 * Of `:ids`, those an event-id table holds (one branch per table, an index probe per id): the
 * idempotency check of a rebuild, whose processed_events has no key to probe until the build is
 * complete (see deferred-indexes.ts). Nine probes an id, so only for the few ids the rebuild's
 * StoredIdFilter cannot rule out.
 */
export const storedEventIdsStatement = (schemaName: string): string => {
  const schema = quotedSchema(schemaName);
  return eventIdTables
    .map((table) => `SELECT event_id FROM ${schema}.${table} WHERE event_id IN (SELECT unnest(:ids::text[]))`)
    .join('\nUNION ALL\n');
};
