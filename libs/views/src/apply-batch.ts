import type { Knex } from 'knex';
import {
  addStoredIds,
  claimNewArtifactKeys,
  footprintOf,
  projectBatch,
  type PositionedEvent,
  type StoredIdFilter,
  type ViewChanges,
} from '@strata/projection';
import { loadPriorState } from './prior-state.repository';
import { applyChanges } from './writer';

/**
 * The whole view side of one batch, inside the caller's transaction: load the prior state the
 * batch touches, project, write. Returns the changes so the caller can publish dead letters and
 * count. The caller advances its checkpoints in the same transaction. `stored`: the build's
 * {@link StoredIdFilter}, for a build the caller created empty and alone writes; the batch's ids
 * are added to it before the caller commits, and the artifacts it proves new are COPYed rather
 * than upserted.
 */
export async function applyBatch(
  trx: Knex.Transaction,
  schemaName: string,
  events: readonly PositionedEvent[],
  stored?: StoredIdFilter,
): Promise<ViewChanges> {
  const prior = await loadPriorState(trx, schemaName, footprintOf(events), stored);
  const changes = projectBatch(events, prior);
  const claimedArtifactKeys = stored && claimNewArtifactKeys(stored, changes.artifacts);
  if (stored) addStoredIds(stored, changes);
  await applyChanges(trx, schemaName, changes, claimedArtifactKeys);
  return changes;
}
