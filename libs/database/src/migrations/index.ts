import type { Migration } from '../migrator';
import { builds } from './0001_builds';
import { apiKeys } from './0002_api_keys';

/** In apply order. Never edit a released migration: add a new one. */
export const controlMigrations: Migration[] = [builds, apiKeys];
