// Generated from schemas/*.avsc by libs/contracts/scripts/generate-types.ts. Do not edit by hand:
// change the schemas and run `node -r @swc-node/register libs/contracts/scripts/generate-types.ts`.

/** A data item (image, text, audio, …) became known to Strata. Topic strata.items, key itemId. */
export interface ItemRegistered {
  /** Common event envelope. */
  envelope: Envelope;
  /** Stable id of the item; the partition key of every event about it. */
  itemId: string;
  /** Where the item's content lives, e.g. s3://bucket/key. */
  uri: string;
  /** Hash of the item's content, e.g. "sha256:…", so a changed file is detectable. */
  contentHash: string;
  /** IANA media type of the content, e.g. image/jpeg. */
  mediaType: string;
  /** Datasets the item is a member of. */
  datasets: string[];
  /** Where the item came from (collection campaign, vendor); null when unknown. */
  source: string | null;
  /** License of the content, e.g. an SPDX id; null when unknown. */
  license: string | null;
  /** Free-form string attributes of the item (resolution, language, …). */
  attributes: Record<string, string>;
}

/** Fields every Strata event carries: identity, time, tenant and who caused it. */
export interface Envelope {
  /** Unique id of this event; the idempotency key, so re-delivery of the same event is harmless. [uuid] */
  eventId: string;
  /** When the fact happened (not when it was sent), milliseconds since the Unix epoch, UTC. [timestamp-millis] */
  eventTime: number;
  /** Tenant or project the event belongs to; views and API keys are scoped by it. */
  namespace: string;
  /** The tool or pipeline that emitted the event. */
  producer: Producer;
  /** Who or what caused the event. */
  actor: Actor;
}

/** Name and version of the software that emitted an event. */
export interface Producer {
  /** Tool or pipeline name, e.g. "label-studio". */
  name: string;
  /** Version of that tool or pipeline, e.g. "1.12.0". */
  version: string;
}

/** The party that caused an event. */
export interface Actor {
  /** Whether the actor is a person, a model, a rule or a service. */
  kind: ActorKind;
  /** Identifier of the actor within its kind (user id, model name, …). */
  id: string;
}

/** Symbols of {@link ActorKind}, in schema order. */
export const actorKindSymbols = ['HUMAN', 'MODEL', 'RULE', 'SERVICE'] as const;
/** Closed set of actor kinds. */
export type ActorKind = (typeof actorKindSymbols)[number];

/** A new label node that supersedes one or more earlier labels of the same item (several parents consolidate them). Topic strata.items, key itemId. */
export interface LabelCorrected {
  /** Common event envelope. */
  envelope: Envelope;
  /** The labelled item; the partition key. */
  itemId: string;
  /** Id of the new, correcting label node. [uuid] */
  labelId: string;
  /** Labelling task, e.g. "segmentation", "class", "bbox". */
  task: string;
  /** The corrected label as JSON text; its shape depends on the task. */
  payload: string;
  /** Who made the correction. */
  author: Author;
  /** Labelling tool used; null when unknown. */
  tool: string | null;
  /** Author's confidence in [0, 1]; null when not given. */
  confidence: number | null;
  /** Version of the labelling guideline followed; null when unknown. */
  guidelineVersion: string | null;
  /** Label ids this node supersedes: at least one, never the node itself. [uuid] */
  parents: string[];
  /** Why the correction was made; null when not given. */
  reason: string | null;
}

/** Who made or judged a label. */
export interface Author {
  /** Whether the author is a person, a model or a rule. */
  kind: AuthorKind;
  /** Identifier of the author within its kind (annotator id, model name and version, rule name). */
  id: string;
}

/** Symbols of {@link AuthorKind}, in schema order. */
export const authorKindSymbols = ['HUMAN', 'MODEL', 'RULE'] as const;
/** Closed set of label author kinds. */
export type AuthorKind = (typeof authorKindSymbols)[number];

/** A new root label node for an item. Topic strata.items, key itemId. */
export interface LabelCreated {
  /** Common event envelope. */
  envelope: Envelope;
  /** The labelled item; the partition key. */
  itemId: string;
  /** Id of the new label node. [uuid] */
  labelId: string;
  /** Labelling task, e.g. "segmentation", "class", "bbox". */
  task: string;
  /** The label itself as JSON text; its shape depends on the task. */
  payload: string;
  /** Who made the label. */
  author: Author;
  /** Labelling tool used, e.g. "label-studio 1.12"; null when unknown. */
  tool: string | null;
  /** Author's confidence in [0, 1], typically from a model; null when not given. */
  confidence: number | null;
  /** Version of the labelling guideline followed; null when unknown. */
  guidelineVersion: string | null;
}

/** A label withdrawn; retracted nodes are transparent in the correction graph. Topic strata.items, key itemId. */
export interface LabelRetracted {
  /** Common event envelope. */
  envelope: Envelope;
  /** The item of the retracted label; the partition key. */
  itemId: string;
  /** The retracted label. [uuid] */
  labelId: string;
  /** Why the label was withdrawn; null when not given. */
  reason: string | null;
}

/** A verdict on an existing label: human attention without a new label node. Topic strata.items, key itemId. */
export interface LabelReviewed {
  /** Common event envelope. */
  envelope: Envelope;
  /** The item of the reviewed label; the partition key. */
  itemId: string;
  /** The reviewed label. [uuid] */
  labelId: string;
  /** The reviewer's decision; a rejected leaf is not trained on until corrected. */
  verdict: Verdict;
  /** Who reviewed the label. */
  reviewer: Author;
  /** Reviewer's remark; null when none. */
  comment: string | null;
}

/** Symbols of {@link Verdict}, in schema order. */
export const verdictSymbols = ['APPROVED', 'REJECTED'] as const;
/** Closed set of review outcomes. */
export type Verdict = (typeof verdictSymbols)[number];

/** A run ended, successfully or not. Topic strata.runs, key runId. */
export interface RunCompleted {
  /** Common event envelope. */
  envelope: Envelope;
  /** The run that ended; the partition key. [uuid] */
  runId: string;
  /** How the run ended. */
  status: RunStatus;
  /** Numeric metrics of the whole run by name. */
  metrics: Record<string, number>;
  /** What went wrong when the run failed or was aborted; null otherwise. */
  error: string | null;
}

/** Symbols of {@link RunStatus}, in schema order. */
export const runStatusSymbols = ['COMPLETED', 'FAILED', 'ABORTED'] as const;
/** Closed set of run outcomes. */
export type RunStatus = (typeof runStatusSymbols)[number];

/** A pipeline or job run began. Topic strata.runs, key runId. */
export interface RunStarted {
  /** Common event envelope. */
  envelope: Envelope;
  /** Id of the run; the partition key of every event of the run. [uuid] */
  runId: string;
  /** The job this run is an execution of. */
  job: Job;
  /** The run that started this one (e.g. a DAG run); null for a top-level run. [uuid] */
  parentRunId: string | null;
  /** Version of the code run, e.g. a git commit; null when unknown. */
  codeVersion: string | null;
  /** Run parameters as JSON text (an object). */
  parameters: string;
}

/** A job, identified like OpenLineage jobs by namespace and name. */
export interface Job {
  /** Namespace of the job, e.g. the scheduler instance. */
  namespace: string;
  /** Name of the job within its namespace. */
  name: string;
}

/** A named dataset release, cut at an offset vector so it can be reproduced exactly. Topic strata.snapshots, key snapshotId. */
export interface SnapshotFrozen {
  /** Common event envelope. */
  envelope: Envelope;
  /** Id of the release; the partition key. [uuid] */
  snapshotId: string;
  /** Human name of the release, e.g. "street-scenes-2026-11". */
  name: string;
  /** Only items of this dataset were selected; null for all datasets. */
  dataset: string | null;
  /** Only labels of this task were selected; null for all tasks. */
  task: string | null;
  /** Consolidation strategy for items with several leaves, e.g. "latest", "majority". */
  strategy: string;
  /** The offset vector the release was cut at, one position per topic partition. */
  offsets: OffsetPosition[];
  /** Event-time cut of the release, epoch milliseconds UTC; null when cut by offsets only. [timestamp-millis] */
  asOfTime: number | null;
  /** Hex SHA-256 of the release manifest, to verify a reproduction bit for bit. */
  manifestSha256: string;
  /** Number of items in the release. */
  itemCount: number;
  /** Number of labels in the release. */
  labelCount: number;
}

/** A position in one partition of one topic. */
export interface OffsetPosition {
  /** Topic name. */
  topic: string;
  /** Partition number. */
  partition: number;
  /** Offset within the partition. */
  offset: number;
}

/** One step of a run turned input artifacts into output artifacts; with item refs it is per-sample provenance. Topic strata.runs, key runId. */
export interface TransformationApplied {
  /** Common event envelope. */
  envelope: Envelope;
  /** The run this step belongs to; the partition key. [uuid] */
  runId: string;
  /** Id of this step within the run. [uuid] */
  stepId: string;
  /** What the step did. */
  operation: Operation;
  /** Step parameters as JSON text (an object). */
  parameters: string;
  /** Artifacts the step read. */
  inputs: ArtifactRef[];
  /** Artifacts the step wrote. */
  outputs: ArtifactRef[];
  /** Number of records read; null when not counted. */
  inputRecords: number | null;
  /** Number of records written; null when not counted. */
  outputRecords: number | null;
  /** Numeric metrics of the step by name. */
  metrics: Record<string, number>;
  /** Per-sample provenance in packed form, for the thousands of item ids a pipeline step reads and writes: readers treat each packed id as an ITEM ref (version null) after the refs of inputs and outputs. Null when the step lists its refs only in inputs and outputs. */
  itemRefs: PackedItemRefs | null;
  /** When the step started, epoch milliseconds UTC. [timestamp-millis] */
  startedAt: number;
  /** When the step ended, epoch milliseconds UTC; not before startedAt. [timestamp-millis] */
  endedAt: number;
}

/** A named, versioned transformation. */
export interface Operation {
  /** Operation name, e.g. "resize". */
  name: string;
  /** Operation version, so a changed implementation is a different lineage. */
  version: string;
}

/** A reference to a versioned artifact. */
export interface ArtifactRef {
  /** What kind of artifact is referenced. */
  kind: ArtifactKind;
  /** Id of the artifact within its kind (itemId, dataset name, model name, file URI). */
  id: string;
  /** Version or content hash of the artifact; null for an unversioned reference. */
  version: string | null;
}

/** Symbols of {@link ArtifactKind}, in schema order. */
export const artifactKindSymbols = ['ITEM', 'DATASET', 'MODEL', 'FILE'] as const;
/** Closed set of artifact kinds. */
export type ArtifactKind = (typeof artifactKindSymbols)[number];

/** Two lists of item ids, each packed into one field: the ids' UTF-8 bytes joined by a zero byte (no stored id can hold NUL). An empty list is empty bytes. */
export interface PackedItemRefs {
  /** The item ids read, packed. */
  inputIds: Buffer;
  /** How many ids inputIds holds: a reader refuses a packing that disagrees. */
  inputCount: number;
  /** The item ids written, packed. */
  outputIds: Buffer;
  /** How many ids outputIds holds. */
  outputCount: number;
  /** The step wrote exactly the items it read, id for id and in order (it kept every sample and its item id, the common case of decoding, filtering nothing or enriching): outputIds is then empty, outputCount equals inputCount, and readers take the inputs as the outputs. */
  outputsAreInputs: boolean;
  /** Which inputs made which outputs, run-length encoded in list order: triples (inCount, outCount, repeat), each meaning that, repeat times over, the next inCount input ids made the next outCount output ids (a sample group). A map of 1000 samples is [1, 1, 1000]; a dropped sample (1, 0, 1); a fan-out into k (1, k, 1); a sample without item ids (0, 0, 1). The triples cover inputCount and outputCount exactly. Empty: the pairing is not known, and every output is taken to come from every input. */
  pairing: number[];
}

/** The event types, one per schemas/*.avsc. */
export const eventTypes = [
  'ItemRegistered',
  'LabelCorrected',
  'LabelCreated',
  'LabelRetracted',
  'LabelReviewed',
  'RunCompleted',
  'RunStarted',
  'SnapshotFrozen',
  'TransformationApplied',
] as const;
export type EventType = (typeof eventTypes)[number];

/** A Strata event tagged with its type (the Avro record name). */
export type StrataEvent =
  | { type: 'ItemRegistered'; event: ItemRegistered }
  | { type: 'LabelCorrected'; event: LabelCorrected }
  | { type: 'LabelCreated'; event: LabelCreated }
  | { type: 'LabelRetracted'; event: LabelRetracted }
  | { type: 'LabelReviewed'; event: LabelReviewed }
  | { type: 'RunCompleted'; event: RunCompleted }
  | { type: 'RunStarted'; event: RunStarted }
  | { type: 'SnapshotFrozen'; event: SnapshotFrozen }
  | { type: 'TransformationApplied'; event: TransformationApplied };
