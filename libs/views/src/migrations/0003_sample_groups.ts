import type { Knex } from 'knex';
import type { Migration } from '@strata/database';
import { quotedSchema } from '../schema-name';

/**
 * `lineage_edges.sample_groups`: the sample groups of a step an artifact is in, when the step paired
 * its inputs with its outputs (TransformationApplied's `itemRefs.pairing`), so a lineage walk links
 * an output item only to the inputs it was made from, not to every item of its provenance chunk.
 * Edges written before it have none, and keep linking every input to every output of their step
 * until the build is rebuilt.
 *
 * A walk goes from one sample group of a step to that group's artifacts by index, not by reading
 * every artifact of the step (thousands per provenance chunk): most artifacts are in one group, found
 * by their first group (an artifact without groups, of the whole step, by its NULL there); the few
 * an artifact in several groups (an item read twice), by a partial index of their own.
 */
export function sampleGroupsMigration(schemaName: string): Migration {
  const schema = quotedSchema(schemaName);
  return {
    name: '0003_sample_groups',
    async up(knex: Knex) {
      await knex.schema.withSchema(schemaName).alterTable('lineage_edges', (table) => {
        table.specificType('sample_groups', 'integer[]');
      });
      await knex.raw(
        `CREATE INDEX lineage_edges_first_sample_group_index
           ON ${schema}.lineage_edges (step_id, direction, (sample_groups[1]))`,
      );
      await knex.raw(
        `CREATE INDEX lineage_edges_several_sample_groups_index
           ON ${schema}.lineage_edges (step_id, direction) WHERE cardinality(sample_groups) > 1`,
      );
    },
    async down(knex: Knex) {
      await knex.raw(`DROP INDEX ${schema}.lineage_edges_several_sample_groups_index`);
      await knex.raw(`DROP INDEX ${schema}.lineage_edges_first_sample_group_index`);
      await knex.schema.withSchema(schemaName).alterTable('lineage_edges', (table) => {
        table.dropColumn('sample_groups');
      });
    },
  };
}
