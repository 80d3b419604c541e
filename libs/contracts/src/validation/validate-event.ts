import type { EventOfType } from '../events';
import type {
  ArtifactRef,
  Author,
  Envelope,
  EventType,
  LabelCreated,
  StrataEvent,
} from '../generated/events';
import { packedItemRefsProblems } from '../item-refs';
import { FieldChecker, type ValidationIssue, type ValidationOptions } from './field-checker';

type Validator<T extends EventType> = (event: EventOfType<T>, check: FieldChecker) => void;

function checkEnvelope(envelope: Envelope, check: FieldChecker): void {
  check.uuid('envelope.eventId', envelope.eventId);
  check.time('envelope.eventTime', envelope.eventTime);
  check.nonEmpty('envelope.namespace', envelope.namespace);
  check.nonEmpty('envelope.producer.name', envelope.producer.name);
  check.nonEmpty('envelope.actor.id', envelope.actor.id);
}

function checkAuthor(field: string, author: Author, check: FieldChecker): void {
  check.nonEmpty(`${field}.id`, author.id);
}

function checkMetrics(metrics: Record<string, number>, check: FieldChecker): void {
  for (const [name, value] of Object.entries(metrics)) check.finite(`metrics.${name}`, value);
}

function checkArtifacts(field: string, refs: ArtifactRef[], check: FieldChecker): void {
  // The field name is built only for a failing ref: a provenance event carries thousands of refs.
  refs.forEach((ref, index) => {
    if (ref.id.trim() === '') check.nonEmpty(`${field}[${index}].id`, ref.id);
  });
}

/** What a created and a corrected label share. */
function checkLabel(event: LabelCreated, check: FieldChecker): void {
  check.nonEmpty('itemId', event.itemId);
  check.uuid('labelId', event.labelId);
  check.nonEmpty('task', event.task);
  check.json('payload', event.payload);
  checkAuthor('author', event.author, check);
  if (event.confidence !== null && !(event.confidence >= 0 && event.confidence <= 1)) {
    check.report('confidence', `must be between 0 and 1, got ${event.confidence}`);
  }
}

const validators: { [T in EventType]: Validator<T> } = {
  ItemRegistered: (event, check) => {
    check.nonEmpty('itemId', event.itemId);
    check.nonEmpty('uri', event.uri);
    check.nonEmpty('contentHash', event.contentHash);
    check.nonEmpty('mediaType', event.mediaType);
    event.datasets.forEach((dataset, index) => check.nonEmpty(`datasets[${index}]`, dataset));
    check.unique('datasets', event.datasets);
  },
  LabelCreated: checkLabel,
  LabelCorrected: (event, check) => {
    checkLabel(event, check);
    if (event.parents.length === 0) check.report('parents', 'a correction needs at least one parent');
    event.parents.forEach((parent, index) => {
      check.uuid(`parents[${index}]`, parent);
      if (parent === event.labelId) check.report(`parents[${index}]`, 'a label cannot correct itself');
    });
    check.unique('parents', event.parents);
  },
  LabelReviewed: (event, check) => {
    check.nonEmpty('itemId', event.itemId);
    check.uuid('labelId', event.labelId);
    checkAuthor('reviewer', event.reviewer, check);
  },
  LabelRetracted: (event, check) => {
    check.nonEmpty('itemId', event.itemId);
    check.uuid('labelId', event.labelId);
  },
  RunStarted: (event, check) => {
    check.uuid('runId', event.runId);
    check.nonEmpty('job.namespace', event.job.namespace);
    check.nonEmpty('job.name', event.job.name);
    if (event.parentRunId !== null) {
      check.uuid('parentRunId', event.parentRunId);
      if (event.parentRunId === event.runId) check.report('parentRunId', 'a run cannot be its own parent');
    }
    check.json('parameters', event.parameters);
  },
  TransformationApplied: (event, check) => {
    check.uuid('runId', event.runId);
    check.uuid('stepId', event.stepId);
    check.nonEmpty('operation.name', event.operation.name);
    check.nonEmpty('operation.version', event.operation.version);
    check.json('parameters', event.parameters);
    checkArtifacts('inputs', event.inputs, check);
    checkArtifacts('outputs', event.outputs, check);
    if (event.itemRefs !== null) {
      for (const problem of packedItemRefsProblems(event.itemRefs))
        check.report(problem.field, problem.reason);
    }
    if (event.inputRecords !== null) check.count('inputRecords', event.inputRecords);
    if (event.outputRecords !== null) check.count('outputRecords', event.outputRecords);
    checkMetrics(event.metrics, check);
    check.time('startedAt', event.startedAt);
    check.time('endedAt', event.endedAt);
    if (event.endedAt < event.startedAt) check.report('endedAt', 'must not be before startedAt');
  },
  RunCompleted: (event, check) => {
    check.uuid('runId', event.runId);
    checkMetrics(event.metrics, check);
  },
  SnapshotFrozen: (event, check) => {
    check.uuid('snapshotId', event.snapshotId);
    check.nonEmpty('name', event.name);
    check.nonEmpty('strategy', event.strategy);
    event.offsets.forEach((position, index) => {
      check.nonEmpty(`offsets[${index}].topic`, position.topic);
      check.count(`offsets[${index}].partition`, position.partition);
      check.count(`offsets[${index}].offset`, position.offset);
    });
    check.unique('offsets', event.offsets, (position) => `${position.topic}:${position.partition}`);
    if (event.asOfTime !== null) check.time('asOfTime', event.asOfTime);
    if (!/^[0-9a-f]{64}$/.test(event.manifestSha256)) {
      check.report('manifestSha256', 'must be 64 lower-case hex digits');
    }
    check.count('itemCount', event.itemCount);
    check.count('labelCount', event.labelCount);
  },
};

/**
 * Checks what Avro cannot: non-empty ids and UUID formats, corrections with at least one parent that
 * is not the label itself, duplicates, JSON text size and syntax, plausible times. Returns every
 * issue, each naming its field (`parents[0]`, `envelope.eventTime`); an empty list means valid.
 */
export function validateEvent(event: StrataEvent, options: ValidationOptions = {}): ValidationIssue[] {
  const check = new FieldChecker(options);
  checkEnvelope(event.event.envelope, check);
  (validators[event.type] as Validator<EventType>)(event.event, check);
  return check.issues;
}
