import type { BatchFootprint, LeafRow, PriorLabel, PriorStateData, ViewChanges } from '../types';

/**
 * The views held in memory: applies {@link ViewChanges} and answers prior-state loads the way the
 * PostgreSQL repository does. For unit and property tests of the pure projection.
 */
export class InMemoryViews {
  private readonly processedEventIds = new Set<string>();
  private readonly itemNamespaces = new Map<string, string>();
  private readonly labels = new Map<string, PriorLabel>();
  private readonly labelsByItem = new Map<string, PriorLabel[]>();
  private readonly runs = new Map<string, { completed: boolean }>();
  private readonly stepIds = new Set<string>();
  private readonly snapshotIds = new Set<string>();
  readonly leaves = new Map<string, LeafRow[]>();
  readonly deadLetters: ViewChanges['deadLetters'] = [];

  priorFor(footprint: BatchFootprint): PriorStateData {
    const items = new Set(footprint.itemIds);
    const ofItems = footprint.itemIds.flatMap((itemId) => this.labelsByItem.get(itemId) ?? []);
    const ofOtherItems = footprint.labelIds
      .map((labelId) => this.labels.get(labelId))
      .filter((label): label is PriorLabel => label !== undefined && !items.has(label.itemId));
    return {
      processedEventIds: footprint.eventIds.filter((eventId) => this.processedEventIds.has(eventId)),
      registeredItems: footprint.itemIds.flatMap((itemId) => {
        const namespace = this.itemNamespaces.get(itemId);
        return namespace === undefined ? [] : [{ itemId, namespace }];
      }),
      labels: [...ofItems, ...ofOtherItems].map((label) => ({ ...label, parents: [...label.parents] })),
      runs: footprint.runIds.flatMap((runId) => {
        const run = this.runs.get(runId);
        return run ? [{ runId, completed: run.completed }] : [];
      }),
      stepIds: footprint.stepIds.filter((stepId) => this.stepIds.has(stepId)),
      snapshotIds: footprint.snapshotIds.filter((snapshotId) => this.snapshotIds.has(snapshotId)),
    };
  }

  apply(changes: ViewChanges): void {
    for (const row of [
      ...changes.items,
      ...changes.labelNodes,
      ...changes.labelReviews,
      ...changes.labelRetractions,
      ...changes.runs,
      ...changes.runCompletions,
      ...changes.runSteps,
      ...changes.snapshots,
    ]) {
      this.processedEventIds.add(row.origin.eventId);
    }
    for (const letter of changes.deadLetters) if (letter.eventId) this.processedEventIds.add(letter.eventId);
    this.deadLetters.push(...changes.deadLetters);
    for (const { itemId, origin } of changes.items) this.itemNamespaces.set(itemId, origin.namespace);
    for (const { labelId, itemId, task } of changes.labelNodes) {
      const label: PriorLabel = { labelId, itemId, task, parents: [], retracted: false, latestVerdict: null };
      this.labels.set(labelId, label);
      const siblings = this.labelsByItem.get(itemId) ?? [];
      siblings.push(label);
      this.labelsByItem.set(itemId, siblings);
    }
    for (const { childId, parentId } of changes.labelEdges)
      this.update(childId, (label) => ({ parents: [...label.parents, parentId] }));
    for (const { labelId, verdict } of changes.labelReviews)
      this.update(labelId, () => ({ latestVerdict: verdict }));
    for (const { labelId } of changes.labelRetractions) this.update(labelId, () => ({ retracted: true }));
    for (const itemId of changes.leaves.replacedItemIds) this.leaves.set(itemId, []);
    for (const leaf of changes.leaves.rows) {
      const leaves = this.leaves.get(leaf.itemId) ?? [];
      leaves.push(leaf);
      this.leaves.set(leaf.itemId, leaves);
    }
    for (const { runId } of changes.runs) this.runs.set(runId, { completed: false });
    for (const { runId } of changes.runCompletions) this.runs.set(runId, { completed: true });
    for (const { stepId } of changes.runSteps) this.stepIds.add(stepId);
    for (const { snapshotId } of changes.snapshots) this.snapshotIds.add(snapshotId);
  }

  /** Labels are stored immutably in both indexes, so an update replaces the object in both. */
  private update(labelId: string, patch: (label: PriorLabel) => Partial<PriorLabel>): void {
    const current = this.labels.get(labelId);
    if (!current) throw new Error(`changes reference unknown label ${labelId}`);
    const next = { ...current, ...patch(current) };
    this.labels.set(labelId, next);
    const siblings = this.labelsByItem.get(current.itemId) ?? [];
    siblings[siblings.indexOf(current)] = next;
  }
}
