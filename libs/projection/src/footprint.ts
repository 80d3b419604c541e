import type { BatchFootprint, PositionedEvent } from './types';

/** The ids a batch reads or writes, deduplicated: the input of the prior-state loader. */
export function footprintOf(events: readonly PositionedEvent[]): BatchFootprint {
  const eventIds = new Set<string>();
  const itemIds = new Set<string>();
  const labelIds = new Set<string>();
  const runIds = new Set<string>();
  const stepIds = new Set<string>();
  const snapshotIds = new Set<string>();
  for (const { event: tagged } of events) {
    eventIds.add(tagged.event.envelope.eventId);
    switch (tagged.type) {
      case 'ItemRegistered':
        itemIds.add(tagged.event.itemId);
        break;
      case 'LabelCreated':
      case 'LabelCorrected':
      case 'LabelReviewed':
      case 'LabelRetracted':
        itemIds.add(tagged.event.itemId);
        labelIds.add(tagged.event.labelId);
        if (tagged.type === 'LabelCorrected') for (const parent of tagged.event.parents) labelIds.add(parent);
        break;
      case 'RunStarted':
      case 'RunCompleted':
      case 'TransformationApplied':
        runIds.add(tagged.event.runId);
        if (tagged.type === 'TransformationApplied') stepIds.add(tagged.event.stepId);
        break;
      case 'SnapshotFrozen':
        snapshotIds.add(tagged.event.snapshotId);
        break;
    }
  }
  return {
    eventIds: [...eventIds],
    itemIds: [...itemIds],
    labelIds: [...labelIds],
    runIds: [...runIds],
    stepIds: [...stepIds],
    snapshotIds: [...snapshotIds],
  };
}
