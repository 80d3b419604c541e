import type { Knex } from 'knex';
import { footprintOf, projectBatch, type PositionedEvent, type ViewChanges } from '@strata/projection';
import { loadPriorState } from './prior-state.repository';
import { applyChanges } from './writer';

/**
 * The whole view side of one batch, inside the caller's transaction: load the prior state the
 * batch touches, project, write. Returns the changes so the caller can publish dead letters and
 * count. The caller advances its checkpoints in the same transaction.
 */
export async function applyBatch(
  trx: Knex.Transaction,
  schemaName: string,
  events: readonly PositionedEvent[],
): Promise<ViewChanges> {
  const prior = await loadPriorState(trx, schemaName, footprintOf(events));
  const changes = projectBatch(events, prior);
  await applyChanges(trx, schemaName, changes);
  return changes;
}
