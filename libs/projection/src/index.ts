export * from './types';
export { footprintOf } from './footprint';
export { projectBatch, emptyChanges, artifactKeyOf, canonicalMapJson } from './project';
export { leavesOf, isRejected, type LeafCandidate } from './leaves';
export { referenceFold, type ReferenceResult } from './testing/reference-fold';
export { InMemoryViews } from './testing/in-memory-views';
export { HistoryBuilder } from './testing/history-builder';
export {
  StoredIdFilter,
  addStoredIds,
  claimNewArtifactKeys,
  priorStateLookups,
  processedEventIdsOf,
  type StoredIdKind,
  type PriorStateLookups,
} from './stored-ids';
