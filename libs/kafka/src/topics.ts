/** Topics of the event model (shared/DESIGN.md). Keys: itemId, runId, snapshotId. */
export const Topics = {
  items: 'strata.items',
  runs: 'strata.runs',
  snapshots: 'strata.snapshots',
  deadLetters: 'strata.dlq',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];
