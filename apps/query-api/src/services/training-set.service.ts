import { Injectable } from '@nestjs/common';
import { limits } from '../common/limits';
import type { ReadScope } from '../domain/read-scope';
import { consolidate, isEmitted, type Strategy } from '../domain/consolidation';
import { compareText, type Item, type LeafLabel } from '../domain/labels';
import {
  manifestEntries,
  trainingLines,
  type ManifestEntry,
  type TrainingLine,
} from '../domain/training-set';
import { TrainingSetRepository, type Selection } from '../repositories/training-set.repository';

export type { Selection };

@Injectable()
export class TrainingSetService {
  constructor(private readonly trainingSet: TrainingSetRepository) {}

  /**
   * The selected items with their leaves, in item-id order. Items are read in keyset pages of
   * limits.exportChunkItems, at most one page ahead of the consumer, so a slow client holds two
   * pages in memory, never the training set.
   */
  async *itemsWithLeaves(
    scope: ReadScope,
    selection: Selection,
  ): AsyncGenerator<{ item: Item; leaves: LeafLabel[] }> {
    const pageAfter = (afterItemId: string | undefined) =>
      this.trainingSet.leavesPage(scope, selection, afterItemId, limits.exportChunkItems);
    let page = await pageAfter(undefined);
    for (;;) {
      // The next page is read while this one is consumed, overlapping the database with the client;
      // memory stays bounded by two pages.
      const next = page.nextAfterItemId === null ? undefined : pageAfter(page.nextAfterItemId);
      next?.catch(() => undefined); // rejection is observed when awaited below, or moot if the client left
      yield* page.items;
      if (!next) return;
      page = await next;
    }
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
