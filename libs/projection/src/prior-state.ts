import type { Verdict } from '@strata/contracts';
import type { PriorLabel, PriorStateData } from './types';

/** A label as the batch sees it: stored or created earlier in the batch, mutated by later events. */
export interface WorkingLabel {
  labelId: string;
  itemId: string;
  task: string;
  parents: readonly string[];
  retracted: boolean;
  latestVerdict: Verdict | null;
}

/**
 * The prior state overlaid with the batch's own effects, so later events of a batch see earlier
 * ones (create then correct in one batch). Indexed for O(1) checks per event.
 */
export class BatchState {
  readonly processedEventIds: Set<string>;
  /** Registered items → their namespace. */
  readonly itemNamespaces: Map<string, string>;
  readonly labels = new Map<string, WorkingLabel>();
  /**
   * Labels per item in creation order; the input of leaf recomputation. Complete for every item the
   * batch names (the prior state holds all their labels); items known only through a label named
   * by id are never recomputed, since an event naming another item's label is rejected.
   */
  readonly labelsByItem = new Map<string, WorkingLabel[]>();
  readonly runs: Map<string, { completed: boolean }>;
  readonly stepIds: Set<string>;
  readonly snapshotIds: Set<string>;

  constructor(prior: PriorStateData) {
    this.processedEventIds = new Set(prior.processedEventIds);
    this.itemNamespaces = new Map(prior.registeredItems.map(({ itemId, namespace }) => [itemId, namespace]));
    for (const label of prior.labels) this.addLabel(copyOf(label));
    this.runs = new Map(prior.runs.map(({ runId, completed }) => [runId, { completed }]));
    this.stepIds = new Set(prior.stepIds);
    this.snapshotIds = new Set(prior.snapshotIds);
  }

  addLabel(label: WorkingLabel): void {
    this.labels.set(label.labelId, label);
    const siblings = this.labelsByItem.get(label.itemId);
    if (siblings) siblings.push(label);
    else this.labelsByItem.set(label.itemId, [label]);
  }

  /** Whether `ancestorId` is `labelId` or reachable from it through parent links. */
  isAncestorOrSelf(ancestorId: string, labelId: string): boolean {
    const pending = [labelId];
    const seen = new Set<string>();
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      if (next === ancestorId) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      pending.push(...(this.labels.get(next)?.parents ?? []));
    }
    return false;
  }
}

/** Object spread is avoided on this per-label path: it is much slower than a literal once compiled. */
function copyOf(label: PriorLabel): WorkingLabel {
  const { labelId, itemId, task, parents, retracted, latestVerdict } = label;
  return { labelId, itemId, task, parents, retracted, latestVerdict };
}
