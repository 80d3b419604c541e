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
import { TrainingSetRepository, type Selection } from '../repositories/training-set.repository';

export type { Selection };

@Injectable()
export class TrainingSetService {
  constructor(private readonly trainingSet: TrainingSetRepository) {}

  /** The selected items with their leaves, in item-id order, from one snapshot (see the repository). */
  itemsWithLeaves(
    scope: ReadScope,
    selection: Selection,
  ): AsyncGenerator<{ item: ExportedItem; leaves: LeafLabel[] }> {
    return this.trainingSet.itemsWithLeaves(scope, selection);
  }

  /** The training lines, one array per item that yields any, in item-id order. */
  async *linesByItem(
    scope: ReadScope,
    selection: Selection,
    strategy: Strategy,
  ): AsyncGenerator<TrainingLine[]> {
    for await (const { item, leaves } of this.itemsWithLeaves(scope, selection)) {
      const lines = leavesByTask(leaves).flatMap(([task, taskLeaves]) => {
        const consolidation = consolidate(strategy, taskLeaves);
        return isEmitted(strategy, consolidation) ? trainingLines(item, task, consolidation) : [];
      });
      if (lines.length) yield lines;
    }
  }

  /** The manifest entries, in order (item id, then label id), each once. */
  async *manifest(scope: ReadScope, selection: Selection, strategy: Strategy): AsyncGenerator<ManifestEntry> {
    for await (const lines of this.linesByItem(scope, selection, strategy)) yield* manifestEntries(lines);
  }
}

function leavesByTask(leaves: readonly LeafLabel[]): [string, LeafLabel[]][] {
  const byTask = new Map<string, LeafLabel[]>();
  for (const leaf of leaves) byTask.set(leaf.task, [...(byTask.get(leaf.task) ?? []), leaf]);
  return [...byTask.entries()].sort(([a], [b]) => compareText(a, b));
}
