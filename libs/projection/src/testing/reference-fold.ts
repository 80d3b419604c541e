import type { PackedItemRefs, Verdict } from '@strata/contracts';
import type { DeadLetterReason, PositionedEvent } from '../types';

/** What the reference fold says about a whole history: the oracle of the projection's tests. */
export interface ReferenceResult {
  /** Leaves per registered item that has labels, sorted by labelId; items without leaves map to []. */
  leavesByItem: Map<string, { labelId: string; task: string; latestVerdict: Verdict | null }[]>;
  /** In log order. */
  deadLetters: { eventId: string; reason: DeadLetterReason }[];
}

interface NaiveNode {
  labelId: string;
  itemId: string;
  task: string;
  parents: string[];
}

/**
 * A deliberately naive, whole-history fold written independently of the incremental projection
 * (no batching, no prior state, linear scans, leaves by definition: a depth-first search for a
 * non-retracted descendant from every label). Only for tests; quadratic on purpose.
 */
export function referenceFold(history: readonly PositionedEvent[]): ReferenceResult {
  const seenEvents: string[] = [];
  const items: { itemId: string; namespace: string }[] = [];
  const nodes: NaiveNode[] = [];
  const retracted: string[] = [];
  const reviews: { labelId: string; verdict: Verdict }[] = [];
  const runs: { runId: string; completed: boolean }[] = [];
  const steps: string[] = [];
  const snapshots: string[] = [];
  const deadLetters: ReferenceResult['deadLetters'] = [];

  const node = (labelId: string) => nodes.find((candidate) => candidate.labelId === labelId);
  const ancestorsOf = (labelId: string): string[] => {
    const parents = node(labelId)?.parents ?? [];
    return parents.flatMap((parent) => [parent, ...ancestorsOf(parent)]);
  };
  const itemCheck = (itemId: string, namespace: string): DeadLetterReason | undefined => {
    const item = items.find((candidate) => candidate.itemId === itemId);
    if (!item) return 'unknown_item';
    if (item.namespace !== namespace) return 'namespace_mismatch';
    return undefined;
  };
  const labelCheck = (itemId: string, labelId: string, namespace: string): DeadLetterReason | undefined => {
    const target = node(labelId);
    if (!target) return 'unknown_label';
    if (target.itemId !== itemId) return 'label_of_other_item';
    return itemCheck(itemId, namespace);
  };

  for (const { event: tagged } of history) {
    const { eventId, namespace } = tagged.event.envelope;
    if (seenEvents.includes(eventId)) continue;
    seenEvents.push(eventId);
    let reason: DeadLetterReason | undefined;
    // JSON escapes NUL as \u0000: an independent way to find a string PostgreSQL cannot store.
    if (JSON.stringify(tagged.event).includes('\\u0000')) {
      deadLetters.push({ eventId, reason: 'unstorable_text' });
      continue;
    }
    switch (tagged.type) {
      case 'ItemRegistered': {
        if (items.some((item) => item.itemId === tagged.event.itemId)) reason = 'item_already_registered';
        else items.push({ itemId: tagged.event.itemId, namespace });
        break;
      }
      case 'LabelCreated': {
        const { itemId, labelId, task } = tagged.event;
        reason = itemCheck(itemId, namespace);
        if (reason) break;
        if (node(labelId)) reason = 'duplicate_label_id';
        else nodes.push({ labelId, itemId, task, parents: [] });
        break;
      }
      case 'LabelCorrected': {
        const { itemId, labelId, task } = tagged.event;
        const parents = tagged.event.parents.filter((parent, index, all) => all.indexOf(parent) === index);
        reason = itemCheck(itemId, namespace);
        if (reason) break;
        if (parents.length === 0) reason = 'no_parents';
        else if (parents.includes(labelId)) reason = 'cycle';
        else if (node(labelId)) {
          const closesCycle = parents.some((parent) => ancestorsOf(parent).includes(labelId));
          reason = closesCycle ? 'cycle' : 'duplicate_label_id';
        } else {
          reason = parents
            .map((parent) =>
              !node(parent)
                ? 'unknown_parent'
                : node(parent)?.itemId !== itemId
                  ? 'parent_of_other_item'
                  : undefined,
            )
            .find((problem) => problem !== undefined);
          if (!reason) nodes.push({ labelId, itemId, task, parents });
        }
        break;
      }
      case 'LabelReviewed': {
        const { itemId, labelId, verdict } = tagged.event;
        reason = labelCheck(itemId, labelId, namespace);
        if (!reason) reviews.push({ labelId, verdict });
        break;
      }
      case 'LabelRetracted': {
        const { itemId, labelId } = tagged.event;
        reason =
          labelCheck(itemId, labelId, namespace) ??
          (retracted.includes(labelId) ? 'label_already_retracted' : undefined);
        if (!reason) retracted.push(labelId);
        break;
      }
      case 'RunStarted': {
        if (runs.some((run) => run.runId === tagged.event.runId)) reason = 'duplicate_run';
        else runs.push({ runId: tagged.event.runId, completed: false });
        break;
      }
      case 'TransformationApplied': {
        if (!runs.some((run) => run.runId === tagged.event.runId)) reason = 'unknown_run';
        else if (steps.includes(tagged.event.stepId)) reason = 'duplicate_step';
        else if (tagged.event.itemRefs && !wellPacked(tagged.event.itemRefs)) reason = 'malformed_item_refs';
        else steps.push(tagged.event.stepId);
        break;
      }
      case 'RunCompleted': {
        const run = runs.find((candidate) => candidate.runId === tagged.event.runId);
        if (!run) reason = 'unknown_run';
        else if (run.completed) reason = 'run_already_completed';
        else run.completed = true;
        break;
      }
      case 'SnapshotFrozen': {
        if (snapshots.includes(tagged.event.snapshotId)) reason = 'duplicate_snapshot';
        else snapshots.push(tagged.event.snapshotId);
        break;
      }
    }
    if (reason) deadLetters.push({ eventId, reason });
  }

  const isLive = (labelId: string) => !retracted.includes(labelId);
  const hasLiveDescendant = (labelId: string): boolean =>
    nodes.some(
      (child) =>
        child.parents.includes(labelId) && (isLive(child.labelId) || hasLiveDescendant(child.labelId)),
    );
  const leavesByItem: ReferenceResult['leavesByItem'] = new Map();
  for (const { itemId } of items) {
    const ofItem = nodes.filter((candidate) => candidate.itemId === itemId);
    if (ofItem.length === 0) continue;
    const leaves = ofItem
      .filter((candidate) => isLive(candidate.labelId) && !hasLiveDescendant(candidate.labelId))
      .map(({ labelId, task }) => ({
        labelId,
        task,
        latestVerdict: reviews.filter((review) => review.labelId === labelId).at(-1)?.verdict ?? null,
      }))
      .sort((a, b) => (a.labelId < b.labelId ? -1 : a.labelId > b.labelId ? 1 : 0));
    leavesByItem.set(itemId, leaves);
  }
  return { leavesByItem, deadLetters };
}

/** The reference's own reading of a packing: split, then count and look for empty ids. */
function wellPacked(refs: PackedItemRefs): boolean {
  const holds = (packed: Buffer, count: number) => {
    const ids = packed.length === 0 ? [] : packed.toString('utf8').split('\u0000');
    return ids.length === count && !ids.includes('');
  };
  const outputsHold = refs.outputsAreInputs
    ? refs.outputIds.length === 0 && refs.outputCount === refs.inputCount
    : holds(refs.outputIds, refs.outputCount);
  return holds(refs.inputIds, refs.inputCount) && outputsHold && pairingCovers(refs);
}

/** Unrolled, the pairing's triples give exactly the counts (or there is no pairing). */
function pairingCovers({ pairing, inputCount, outputCount }: PackedItemRefs): boolean {
  if (pairing.length === 0) return true;
  const triples = Array.from({ length: pairing.length / 3 }, (_, at) => pairing.slice(3 * at, 3 * at + 3));
  if (triples.length * 3 !== pairing.length) return false;
  if (!triples.every(([inCount, outCount, repeat]) => inCount >= 0 && outCount >= 0 && repeat >= 1))
    return false;
  const sum = (side: 0 | 1) => triples.reduce((total, triple) => total + triple[side] * triple[2], 0);
  return sum(0) === inputCount && sum(1) === outputCount;
}
