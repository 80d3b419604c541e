import type { Migration } from '@strata/database';
import { viewsMigration } from './0001_views';
import { processedEventsMigration } from './0002_processed_events';
import { sampleGroupsMigration } from './0003_sample_groups';
import { artifactLookupMigration } from './0004_artifact_lookup';

/** The migrations of one build schema, in apply order. Never edit a released migration: add a new one. */
export function buildMigrations(schemaName: string): Migration[] {
  return [
    viewsMigration(schemaName),
    processedEventsMigration(schemaName),
    sampleGroupsMigration(schemaName),
    artifactLookupMigration(schemaName),
  ];
}
