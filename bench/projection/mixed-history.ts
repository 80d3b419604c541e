import type { ArtifactRef } from '@strata/contracts';
import { HistoryBuilder, type PositionedEvent } from '@strata/projection';

/** Items per block: a block's registrations, labels, corrections, reviews and retractions follow each other. */
const blockItems = 1000;
/** Items whose provenance one per-sample step reports. */
const samplesPerStep = 50;
const snapshotEveryBlocks = 10;

const itemIdOf = (index: number) => `item-${String(index).padStart(9, '0')}`;
const itemRef = (index: number): ArtifactRef => ({ kind: 'ITEM', id: itemIdOf(index), version: null });

/**
 * The mixed log of the projection benchmark, generated block by block so memory stays flat
 * however many events are asked for. Per 1000 items (≈ 3.9 events per item):
 * - every item registered in one of four datasets; a `class` label on each, a second annotator's
 *   `class` label on every third, a `bbox` label on every second;
 * - corrections: the two class labels consolidated into one (two parents) on every third item,
 *   a single-parent correction on one in five others;
 * - reviews (approved on every fourth item, rejected on every seventh), retractions on every
 *   eleventh (the correction if any: its parents become leaves again; else the bbox label);
 * - a run with a dataset-level step, per-sample provenance steps over the block's items (item
 *   refs in, file refs out) and its completion; a snapshot every ten blocks.
 * A block's later phases land in later batches than its labels, so batches load prior state.
 */
export function* mixedHistory(totalEvents: number, batchSize: number): Generator<PositionedEvent[]> {
  const history = new HistoryBuilder(6);
  let produced = 0;
  let pending: PositionedEvent[] = [];
  for (let block = 0; produced < totalEvents; block++) {
    appendBlock(history, block);
    // The builder keeps what it built; take it so only one block is ever held.
    pending = pending.concat(history.events.splice(0));
    while (pending.length >= batchSize && produced < totalEvents) {
      const batch = pending.slice(0, Math.min(batchSize, totalEvents - produced));
      pending = pending.slice(batch.length);
      produced += batch.length;
      yield batch;
    }
  }
}

function appendBlock(history: HistoryBuilder, block: number): void {
  const first = block * blockItems;
  const items = Array.from({ length: blockItems }, (_, offset) => first + offset);
  const label = (index: number, name: string) => `${itemIdOf(index)}/${name}`;
  for (const index of items) history.registerItem(itemIdOf(index), [`dataset-${index % 4}`]);
  for (const index of items) {
    history.createLabel(itemIdOf(index), label(index, 'a'), 'class');
    if (index % 3 === 0) history.createLabel(itemIdOf(index), label(index, 'b'), 'class');
    if (index % 2 === 0) history.createLabel(itemIdOf(index), label(index, 'box'), 'bbox');
  }
  const corrected = (index: number) => index % 3 === 0 || index % 5 === 1;
  for (const index of items) {
    if (index % 3 === 0)
      history.correctLabel(itemIdOf(index), label(index, 'c'), [label(index, 'a'), label(index, 'b')]);
    else if (index % 5 === 1) history.correctLabel(itemIdOf(index), label(index, 'c'), [label(index, 'a')]);
  }
  for (const index of items) {
    const leaf = label(index, corrected(index) ? 'c' : 'a');
    if (index % 4 === 0) history.reviewLabel(itemIdOf(index), leaf, 'APPROVED');
    if (index % 7 === 0) history.reviewLabel(itemIdOf(index), leaf, 'REJECTED');
  }
  for (const index of items) {
    if (index % 11 !== 0) continue;
    if (corrected(index)) history.retractLabel(itemIdOf(index), label(index, 'c'));
    else if (index % 2 === 0) history.retractLabel(itemIdOf(index), label(index, 'box'));
  }
  const runId = `run-${block}`;
  const dataset = (version: string): ArtifactRef => ({ kind: 'DATASET', id: 'corpus', version });
  history.startRun(runId);
  history.applyStep(runId, `${runId}/clean`, [dataset(`v${block}`)], [dataset(`v${block + 1}`)]);
  for (let start = 0; start < blockItems; start += samplesPerStep) {
    const samples = items.slice(start, start + samplesPerStep);
    history.applyStep(
      runId,
      `${runId}/resize-${start}`,
      samples.map(itemRef),
      samples.map((index) => ({ kind: 'FILE', id: `${itemIdOf(index)}.small.png`, version: null })),
    );
  }
  history.completeRun(runId);
  if (block % snapshotEveryBlocks === snapshotEveryBlocks - 1) history.freezeSnapshot(`snapshot-${block}`);
}
