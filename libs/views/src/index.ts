export { quotedSchema, InvalidSchemaNameError } from './schema-name';
export { createBuildSchema, dropBuildSchema } from './build-schema';
export { viewTables, eventIdTables } from './migrations/0001_views';
export { applyChanges, insertRowsRaw } from './writer';
export { deferIndexes, restoreIndexes, deferrableIndexes, type DeferredIndexes } from './deferred-indexes';
export { loadPriorState } from './prior-state.repository';
export { applyBatch } from './apply-batch';
export {
  loadCheckpoints,
  advanceCheckpoints,
  CheckpointConflictError,
  type Checkpoint,
  type CheckpointAdvance,
} from './checkpoints.repository';
export { latest, asOfBindings, visibleAsOf, InvalidAsOfError, type AsOf, type AsOfBindings } from './as-of';
export { parseAsOf, formatOffsetVector, sortOffsets, isUuid, type AsOfRequest } from './as-of-syntax';
export {
  itemLeaves,
  leavesOfItems,
  datasetLeaves,
  allItemLeaves,
  streamItemLeaves,
  streamItemsWithLeaves,
  visibleItemLeaves,
  latestSelectionScope,
  type Statement,
  type ItemWithLeaves,
  type LeafView,
  type DatasetLeavesPage,
} from './leaves.repository';
export {
  itemLabelGraph,
  type LabelGraph,
  type LabelNodeView,
  type LabelReviewView,
  type LabelRetractionView,
  type RowPosition,
} from './label-graph.repository';
export { lineage, type LineageQuery, type LineageGraph } from './lineage.repository';
export { checksumBuild } from './checksum';
export { epochMillis, type Queryable } from './sql-fragments';
