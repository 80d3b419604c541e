/** What happened to one item's labels, as a producer published it. */
export type DagEvent =
  | { kind: 'label'; labelId: string; parents: string[]; time: string }
  | { kind: 'retraction'; labelId: string; time: string };

export interface DagCounts {
  nodes: number;
  leaves: number;
  retracted: number;
}

/**
 * The expected shape of an item's label DAG as of `time` (everything, without one), straight from
 * DESIGN.md's leaf rule and independent of the projector: a leaf is a label that is not retracted
 * and has no non-retracted descendant.
 */
export function dagAt(events: readonly DagEvent[], time?: string): DagCounts {
  const visible = time === undefined ? events : events.filter((e) => Date.parse(e.time) <= Date.parse(time));
  const labels = visible.filter((e) => e.kind === 'label');
  const retracted = new Set(visible.filter((e) => e.kind === 'retraction').map((e) => e.labelId));
  const children = new Map<string, string[]>();
  for (const label of labels) {
    for (const parent of label.parents)
      children.set(parent, [...(children.get(parent) ?? []), label.labelId]);
  }
  const hasLiveDescendant = (labelId: string): boolean =>
    (children.get(labelId) ?? []).some((child) => !retracted.has(child) || hasLiveDescendant(child));
  return {
    nodes: labels.length,
    leaves: labels.filter((label) => !retracted.has(label.labelId) && !hasLiveDescendant(label.labelId))
      .length,
    retracted: labels.filter((label) => retracted.has(label.labelId)).length,
  };
}
