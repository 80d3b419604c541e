import type { Verdict } from '@strata/contracts';

export interface LeafCandidate {
  labelId: string;
  parents: readonly string[];
  retracted: boolean;
}

/**
 * The leaves of one item's correction DAG: labels not retracted and without a non-retracted
 * descendant. `labels` must be in creation order (every parent before its children), which the
 * log guarantees because a correction may only name labels that already exist. One reverse pass:
 * a label is shadowed when one of its children is live or itself shadowed, so retracted nodes stay
 * transparent (they pass on the shadow of their live descendants).
 */
export function leavesOf<L extends LeafCandidate>(labels: readonly L[]): L[] {
  const shadowed = new Set<string>();
  for (let index = labels.length - 1; index >= 0; index--) {
    const label = labels[index];
    if (!label.retracted || shadowed.has(label.labelId)) {
      for (const parent of label.parents) shadowed.add(parent);
    }
  }
  return labels.filter((label) => !label.retracted && !shadowed.has(label.labelId));
}

/** Whether a leaf should not be trained on: its latest review rejected it. */
export function isRejected(leaf: { latestVerdict: Verdict | null }): boolean {
  return leaf.latestVerdict === 'REJECTED';
}
