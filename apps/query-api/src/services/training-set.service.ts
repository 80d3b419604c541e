import { Injectable } from '@nestjs/common';
import type { ReadScope } from '../domain/read-scope';
import { consolidate, isEmitted, type Strategy } from '../domain/consolidation';
import { compareText, type LeafLabel } from '../domain/labels';
import {
  manifestEntries,
  trainingLines,
  type ExportedItem,
  type ManifestEntry,
  type TrainingLine,
} from '../domain/training-set';
import { ndjsonLines } from '../common/streams';
import { TrainingSetRepository, type Selection } from '../repositories/training-set.repository';

export type { Selection };

@Injectable()
export class TrainingSetService {
  constructor(private readonly trainingSet: TrainingSetRepository) {}

  /** The selected items with their leaves, in item-id order, from one snapshot (see the repository). */
  async *itemsWithLeaves(
    scope: ReadScope,
    selection: Selection,
  ): AsyncGenerator<{ item: ExportedItem; leaves: LeafLabel[] }> {
    for await (const items of this.trainingSet.itemChunks(scope, selection)) yield* items;
  }

  /** The training lines, one array per item that yields any, in item-id order. */
  async *linesByItem(
    scope: ReadScope,
    selection: Selection,
    strategy: Strategy,
  ): AsyncGenerator<TrainingLine[]> {
    for await (const items of this.trainingSet.itemChunks(scope, selection)) {
      for (const { item, leaves } of items) {
        const lines = leavesByTask(leaves).flatMap(([task, taskLeaves]) => {
          const consolidation = consolidate(strategy, taskLeaves);
          return isEmitted(strategy, consolidation) ? trainingLines(item, task, consolidation) : [];
        });
        if (lines.length) yield lines;
      }
    }
  }

  /**
   * The export as NDJSON, in pieces of text or UTF-8 bytes. At the latest point, `latest` and
   * `all-leaves` lines are selected by PostgreSQL and written as bytes straight from its rows (the
   * bulk of exports, ~3× faster); other strategies and points in the past go through
   * {@link linesByItem}, which the manifest also uses.
   */
  ndjson(scope: ReadScope, selection: Selection, strategy: Strategy): AsyncGenerator<string | Buffer> {
    if (scope.asOf.kind === 'latest' && (strategy.name === 'latest' || strategy.name === 'all-leaves'))
      return this.trainingSet.renderedLines(scope, selection, strategy.name);
    return ndjsonLines(this.linesByItem(scope, selection, strategy));
  }

  /** The manifest entries, in order (item id, then label id), each once. */
  async *manifest(scope: ReadScope, selection: Selection, strategy: Strategy): AsyncGenerator<ManifestEntry> {
    for await (const lines of this.linesByItem(scope, selection, strategy)) yield* manifestEntries(lines);
  }
}

/** The leaves grouped by task, tasks in code-point order; runs once per exported item, so no copying. */
function leavesByTask(leaves: readonly LeafLabel[]): [string, LeafLabel[]][] {
  const byTask = new Map<string, LeafLabel[]>();
  for (const leaf of leaves) {
    const taskLeaves = byTask.get(leaf.task);
    if (taskLeaves) taskLeaves.push(leaf);
    else byTask.set(leaf.task, [leaf]);
  }
  return byTask.size === 1
    ? [...byTask.entries()]
    : [...byTask.entries()].sort(([a], [b]) => compareText(a, b));
}
