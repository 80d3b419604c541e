import fc from 'fast-check';
import type { ArtifactRef } from '@strata/contracts';
import type { PositionedEvent } from '../types';
import { HistoryBuilder } from './history-builder';

/**
 * Random histories for property tests. Label events mostly pick among the labels their item
 * already has (so DAGs grow deep, with multi-parent consolidations, reviews and retractions), and
 * some are deliberately broken in each way the projection must dead-letter: unknown item, unknown
 * or foreign parent, self-parent, reused labelId (a duplicate or a cycle), unknown or foreign
 * label, retracting twice; plus run and snapshot events on small id pools and redeliveries.
 * Imported by tests only (it needs fast-check, a dev dependency).
 */
const itemCount = 4;
const itemIdOf = (item: number) => `item-${item}`;
const artifactOf = (index: number): ArtifactRef =>
  index % 3 === 0
    ? { kind: 'ITEM', id: itemIdOf(index % itemCount), version: null }
    : { kind: 'DATASET', id: `ds-${index}`, version: 'v1' };

/** Item 3 is never registered up front, so its label events are mostly `unknown_item`: keep them rare. */
const item = fc.oneof(
  { weight: 9, arbitrary: fc.nat({ max: itemCount - 2 }) },
  { weight: 1, arbitrary: fc.constant(itemCount - 1) },
);
/** An index into the item's existing labels, taken modulo their count. */
const pick = fc.nat({ max: 50 });
const mostlyValid = <T>(...faults: T[]) =>
  fc.oneof({ weight: 6, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...faults) });

const commandArbitrary = (crossPartitionFaults: boolean) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('register' as const), item }) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('create' as const),
        item,
        task: fc.constantFrom('class', 'bbox'),
        fault: mostlyValid('reuseId' as const),
        pick,
      }),
    },
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('correct' as const),
        item,
        parents: fc.array(pick, { minLength: 1, maxLength: 3 }),
        fault: crossPartitionFaults
          ? mostlyValid('noParents', 'unknownParent', 'foreignParent', 'self', 'reuseId')
          : mostlyValid('noParents', 'unknownParent', 'self', 'reuseId'),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('review' as const),
        item,
        pick,
        verdict: fc.constantFrom('APPROVED' as const, 'REJECTED' as const),
        fault: crossPartitionFaults ? mostlyValid('unknownLabel', 'wrongItem') : mostlyValid('unknownLabel'),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('retract' as const),
        item,
        pick,
        fault: crossPartitionFaults ? mostlyValid('unknownLabel', 'wrongItem') : mostlyValid('unknownLabel'),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('redeliver' as const), index: fc.nat({ max: 200 }) }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('startRun' as const), run: fc.nat({ max: 2 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('step' as const),
        run: fc.nat({ max: 2 }),
        step: fc.nat({ max: 5 }),
        inputs: fc.array(fc.nat({ max: 8 }), { maxLength: 3 }),
        outputs: fc.array(fc.nat({ max: 8 }), { maxLength: 3 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('completeRun' as const), run: fc.nat({ max: 2 }) }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('snapshot' as const), snapshot: fc.nat({ max: 2 }) }),
    },
  );

type Command = ReturnType<typeof commandArbitrary> extends fc.Arbitrary<infer C> ? C : never;

function historyOf(commands: Command[], crossPartitionFaults: boolean): PositionedEvent[] {
  // Most items exist from the start so most label events are about registered items.
  const history = new HistoryBuilder()
    .registerItem(itemIdOf(0))
    .registerItem(itemIdOf(1))
    .registerItem(itemIdOf(2));
  /** LabelIds of events meant to be valid, per item (some still fail, e.g. correcting a label that was rejected). */
  const labelsOf = Array.from({ length: itemCount }, () => [] as string[]);
  let fresh = 0;
  const newLabelId = (owner: number, remember: boolean) => {
    const labelId = `label-${owner}-${fresh++}`;
    if (remember) labelsOf[owner].push(labelId);
    return labelId;
  };
  const existing = (owner: number, index: number) =>
    labelsOf[owner].length === 0 ? `label-${owner}-none` : labelsOf[owner][index % labelsOf[owner].length];
  const other = (owner: number) => (owner + 1) % itemCount;
  for (const c of commands) {
    const itemId = 'item' in c ? itemIdOf(c.item) : '';
    switch (c.kind) {
      case 'register':
        history.registerItem(itemId, [`dataset-${c.item % 2}`]);
        break;
      case 'create':
        history.createLabel(itemId, c.fault ? existing(c.item, c.pick) : newLabelId(c.item, true), c.task);
        break;
      case 'correct': {
        const parents = c.fault === 'noParents' ? [] : c.parents.map((index) => existing(c.item, index));
        if (c.fault === 'unknownParent') parents.push('label-unknown');
        if (c.fault === 'foreignParent') parents.push(existing(other(c.item), c.parents[0]));
        const labelId =
          c.fault === 'self'
            ? parents[0]
            : c.fault === 'reuseId'
              ? existing(c.item, c.parents[0] + 1)
              : newLabelId(c.item, c.fault === null);
        history.correctLabel(itemId, labelId, parents);
        break;
      }
      case 'review':
      case 'retract': {
        const labelId = c.fault === 'unknownLabel' ? 'label-unknown' : existing(c.item, c.pick);
        const named = c.fault === 'wrongItem' ? itemIdOf(other(c.item)) : itemId;
        if (c.kind === 'review') history.reviewLabel(named, labelId, c.verdict);
        else history.retractLabel(named, labelId);
        break;
      }
      case 'redeliver':
        history.redeliver(c.index);
        break;
      case 'startRun':
        history.startRun(`run-${c.run}`);
        break;
      case 'step':
        history.applyStep(
          `run-${c.run}`,
          crossPartitionFaults ? `step-${c.step}` : `step-${c.run}-${c.step}`,
          c.inputs.map(artifactOf),
          c.outputs.map(artifactOf),
        );
        break;
      case 'completeRun':
        history.completeRun(`run-${c.run}`);
        break;
      case 'snapshot':
        history.freezeSnapshot(`snapshot-${c.snapshot}`);
        break;
    }
  }
  return history.events;
}

export interface HistoryOptions {
  maxCommands?: number;
  /**
   * Events naming what lives on another partition: another item's labels (foreign parents, reviews
   * or retractions under the wrong item) and a step id another run already used. Whether they are
   * dead-lettered, and which of two runs keeps a step id, depends on how far the other partition
   * has been read, so tests comparing different interleavings of partitions turn them off (step
   * ids are then unique per run; duplicates within a run remain).
   */
  crossPartitionFaults?: boolean;
}

export const historyArbitrary = ({ maxCommands = 60, crossPartitionFaults = true }: HistoryOptions = {}) =>
  fc
    .array(commandArbitrary(crossPartitionFaults), { maxLength: maxCommands, size: 'medium' })
    .map((commands) => historyOf(commands, crossPartitionFaults));

/** A history with random cut points: the batches a consumer might have fetched it in. */
export const batchedHistoryArbitrary = (options: HistoryOptions = {}) =>
  historyArbitrary(options).chain((events) =>
    fc
      .uniqueArray(fc.nat({ max: Math.max(events.length, 1) }), { maxLength: 8 })
      .map((cuts) => ({ events, batches: splitAt(events, cuts) })),
  );

export function splitAt<T>(items: readonly T[], cuts: readonly number[]): T[][] {
  const bounds = [0, ...[...cuts].sort((a, b) => a - b), items.length];
  const batches: T[][] = [];
  for (let index = 1; index < bounds.length; index++) {
    if (bounds[index] > bounds[index - 1]) batches.push(items.slice(bounds[index - 1], bounds[index]));
  }
  return batches;
}
