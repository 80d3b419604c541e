import type { Knex } from 'knex';
import type { Migration } from '@strata/database';
import { quotedSchema } from '../schema-name';

/**
 * Artifacts by kind and id. A lineage request names an artifact by kind and id (every version of it),
 * and a release's datasheet finds the steps that made its items the same way; with only the key
 * (kind, id and version as one canonical text) to go by, each of those read the whole table: a few
 * hundred rows in a tree of files, hundreds of millions once pipelines record per-sample provenance.
 */
export function artifactLookupMigration(schemaName: string): Migration {
  const schema = quotedSchema(schemaName);
  return {
    name: '0004_artifact_lookup',
    async up(knex: Knex) {
      await knex.raw(
        `CREATE INDEX artifacts_kind_artifact_id_index ON ${schema}.artifacts (kind, artifact_id)`,
      );
    },
    async down(knex: Knex) {
      await knex.raw(`DROP INDEX ${schema}.artifacts_kind_artifact_id_index`);
    },
  };
}
