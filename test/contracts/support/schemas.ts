import type { AvroField, EventSchema } from '@strata/contracts';
import { loadEventSchemas } from '@strata/contracts';

/** The repository's schemas with LabelCreated's fields changed, as a producer team's next release would. */
export function withLabelCreatedFields(change: (fields: AvroField[]) => AvroField[]): EventSchema[] {
  return structuredClone(loadEventSchemas()).map((schema) =>
    schema.name === 'LabelCreated'
      ? { ...schema, schema: { ...schema.schema, fields: change(schema.schema.fields) } }
      : schema,
  );
}

/** The next release's LabelCreated: one more optional field, with a default. */
export const reviewQueueField: AvroField = {
  name: 'reviewQueue',
  type: ['null', 'string'],
  default: null,
  doc: 'Queue the label was routed to for review; null when none.',
};
