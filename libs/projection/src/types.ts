import type { EventType, StrataEvent, Verdict } from '@strata/contracts';

/** Where an event sits in the log. `offset` is the Kafka offset as a number (exact below 2^53). */
export interface EventPosition {
  topic: string;
  partition: number;
  offset: number;
  /** Kafka record timestamp, epoch milliseconds. */
  timestamp: number;
}

/** A decoded event with the position it was read from: the unit the projection consumes. */
export interface PositionedEvent {
  position: EventPosition;
  event: StrataEvent;
}

/**
 * Why an event was not applied. The projection never drops an event silently: each of these is a
 * dead letter. A re-delivered `eventId` is not a dead letter, it is skipped as already processed.
 */
export const deadLetterReasons = [
  /** A label event names an item no ItemRegistered introduced (in its partition, before it). */
  'unknown_item',
  /** ItemRegistered for an item that is already registered (items are immutable). */
  'item_already_registered',
  /** LabelCreated / LabelCorrected reusing an existing labelId, without closing a cycle. */
  'duplicate_label_id',
  /** LabelCorrected with an empty parents list. */
  'no_parents',
  /** LabelCorrected naming a parent label that does not exist. */
  'unknown_parent',
  /** LabelCorrected naming a parent label that belongs to another item. */
  'parent_of_other_item',
  /** LabelCorrected naming itself as parent, or reusing a labelId that is an ancestor of a parent. */
  'cycle',
  /** LabelReviewed / LabelRetracted naming a label that does not exist. */
  'unknown_label',
  /** LabelReviewed / LabelRetracted whose itemId is not the item of the label. */
  'label_of_other_item',
  /**
   * A label event (create, correct, review, retract) whose envelope namespace is not its item's: one
   * tenant may not write into another's items, even knowing their ids.
   */
  'namespace_mismatch',
  /** LabelRetracted for a label already retracted. */
  'label_already_retracted',
  /** RunStarted for a runId already started. */
  'duplicate_run',
  /** TransformationApplied / RunCompleted for a run never started. */
  'unknown_run',
  /** TransformationApplied reusing a stepId. */
  'duplicate_step',
  /** TransformationApplied whose packed item refs disagree with their counts or hold an empty id. */
  'malformed_item_refs',
  /** RunCompleted for a run already completed. */
  'run_already_completed',
  /** SnapshotFrozen reusing a snapshotId. */
  'duplicate_snapshot',
  /**
   * A text field holds NUL (\u0000), which PostgreSQL text cannot store: producers that skip the
   * gateway's and SDK's validation could otherwise block a partition with an event no retry can write.
   */
  'unstorable_text',
  /** Reserved for the consumer: bytes that could not be decoded into a StrataEvent. */
  'undecodable',
] as const;
export type DeadLetterReason = (typeof deadLetterReasons)[number];

export interface DeadLetter {
  position: EventPosition;
  /** Null when the bytes could not be decoded. */
  eventId: string | null;
  type: EventType | null;
  reason: DeadLetterReason;
  /** Human-readable specifics, e.g. which parent was unknown. */
  detail: string;
  /** The raw record value, when the consumer has it (undecodable records). */
  raw?: Buffer | null;
}

/** Columns every row made directly by one event carries: identity, envelope and log position. */
export interface EventOrigin {
  eventId: string;
  /** Envelope eventTime, epoch milliseconds. */
  eventTime: number;
  partition: number;
  offset: number;
  namespace: string;
  producerName: string;
  producerVersion: string;
  actorKind: string;
  actorId: string;
}

export interface ItemRow {
  /** The event that made this row. */
  origin: EventOrigin;
  itemId: string;
  uri: string;
  contentHash: string;
  mediaType: string;
  source: string | null;
  license: string | null;
  /** JSON text of the attributes map, keys sorted. */
  attributes: string;
}

export interface ItemDatasetRow {
  itemId: string;
  dataset: string;
}

export interface LabelNodeRow {
  /** The event that made this row. */
  origin: EventOrigin;
  labelId: string;
  itemId: string;
  task: string;
  /** JSON text, verbatim from the event. */
  payload: string;
  authorKind: string;
  authorId: string;
  tool: string | null;
  confidence: number | null;
  guidelineVersion: string | null;
  /** The correction's reason; null for LabelCreated. */
  correctionReason: string | null;
}

/** child → parent; carries the child's position so as-of filters need no join. */
export interface LabelEdgeRow {
  childId: string;
  parentId: string;
  itemId: string;
  partition: number;
  offset: number;
  eventTime: number;
}

export interface LabelReviewRow {
  /** The event that made this row. */
  origin: EventOrigin;
  labelId: string;
  itemId: string;
  verdict: Verdict;
  reviewerKind: string;
  reviewerId: string;
  comment: string | null;
}

export interface LabelRetractionRow {
  /** The event that made this row. */
  origin: EventOrigin;
  labelId: string;
  itemId: string;
  reason: string | null;
}

/** A leaf of an item's correction DAG, with the latest review verdict of that label (null if never reviewed). */
export interface LeafRow {
  itemId: string;
  labelId: string;
  task: string;
  latestVerdict: Verdict | null;
}

export interface RunRow {
  /** The event that made this row. */
  origin: EventOrigin;
  runId: string;
  jobNamespace: string;
  jobName: string;
  parentRunId: string | null;
  codeVersion: string | null;
  parameters: string;
}

export interface RunCompletionRow {
  /** The event that made this row. */
  origin: EventOrigin;
  runId: string;
  status: string;
  /** JSON text of the metrics map, keys sorted. */
  metrics: string;
  error: string | null;
}

export interface RunStepRow {
  /** The event that made this row. */
  origin: EventOrigin;
  stepId: string;
  runId: string;
  operationName: string;
  operationVersion: string;
  parameters: string;
  inputRecords: number | null;
  outputRecords: number | null;
  metrics: string;
  startedAt: number;
  endedAt: number;
}

/** An artifact as referenced by steps; `artifactKey` is its canonical identity (see artifactKeyOf). */
export interface ArtifactRow {
  artifactKey: string;
  kind: string;
  artifactId: string;
  version: string | null;
}

/** input artifact → step (`INPUT`) or step → output artifact (`OUTPUT`); carries the step's position. */
export interface LineageEdgeRow {
  stepId: string;
  runId: string;
  direction: 'INPUT' | 'OUTPUT';
  ordinal: number;
  artifactKey: string;
  /**
   * The sample groups of the step this artifact is in (ascending), when the step paired its inputs
   * with its outputs: an input and an output are linked only through a group they share. Null: the
   * artifact belongs to the whole step, linked to every artifact on the other side.
   */
  sampleGroups: number[] | null;
  partition: number;
  offset: number;
  eventTime: number;
}

export interface SnapshotRow {
  /** The event that made this row. */
  origin: EventOrigin;
  snapshotId: string;
  name: string;
  dataset: string | null;
  task: string | null;
  strategy: string;
  /** JSON text of the offset vector. */
  offsets: string;
  asOfTime: number | null;
  manifestSha256: string;
  itemCount: number;
  labelCount: number;
}

/**
 * Everything one batch changes in the views. All arrays are inserts, except `leaves`: the stored
 * leaf sets of the items in `leaves.replacedItemIds` are deleted, then `leaves.rows` inserted —
 * the new leaf sets of those items and of items labelled for the first time, which have none
 * stored (only items with labels before the batch are replaced, so their deletes are skipped).
 */
export interface ViewChanges {
  items: ItemRow[];
  itemDatasets: ItemDatasetRow[];
  labelNodes: LabelNodeRow[];
  labelEdges: LabelEdgeRow[];
  labelReviews: LabelReviewRow[];
  labelRetractions: LabelRetractionRow[];
  leaves: { replacedItemIds: string[]; rows: LeafRow[] };
  runs: RunRow[];
  runCompletions: RunCompletionRow[];
  runSteps: RunStepRow[];
  /** New to this batch; the writer ignores ones already stored (artifacts are shared across steps). */
  artifacts: ArtifactRow[];
  lineageEdges: LineageEdgeRow[];
  snapshots: SnapshotRow[];
  deadLetters: DeadLetter[];
  /** Events skipped because their eventId was already processed (re-delivery); for metrics only. */
  skippedDuplicates: number;
}

/** The ids a batch touches: exactly what {@link PriorState} must cover for that batch. */
export interface BatchFootprint {
  eventIds: string[];
  /** Items named by item-topic events: all their labels are needed to recompute their leaves. */
  itemIds: string[];
  /** Labels named by id (created, parents, reviewed, retracted), possibly of other items. */
  labelIds: string[];
  runIds: string[];
  stepIds: string[];
  snapshotIds: string[];
}

/** What the stored views know about one label, as the projection needs it. */
export interface PriorLabel {
  labelId: string;
  itemId: string;
  task: string;
  parents: readonly string[];
  retracted: boolean;
  latestVerdict: Verdict | null;
}

/**
 * The stored state a batch depends on, restricted to its {@link BatchFootprint}. Plain data, so
 * a repository (or an in-memory store in tests) can produce it.
 */
export interface PriorStateData {
  /** Of the footprint's eventIds, those already applied or dead-lettered. */
  processedEventIds: readonly string[];
  /** Of the footprint's itemIds, those registered, with the namespace each was registered in. */
  registeredItems: readonly { itemId: string; namespace: string }[];
  /**
   * Every label of the footprint's items, in creation order (parents before children), plus the
   * footprint's labelIds that belong to other items (any order).
   */
  labels: readonly PriorLabel[];
  /** Of the footprint's runIds, those started, with whether they completed. */
  runs: readonly { runId: string; completed: boolean }[];
  /** Of the footprint's stepIds, those stored. */
  stepIds: readonly string[];
  /** Of the footprint's snapshotIds, those stored. */
  snapshotIds: readonly string[];
}
