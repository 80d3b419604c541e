import { Injectable } from '@nestjs/common';
import { streamItemsWithLeaves } from '@strata/views';
import { limits } from '../common/limits';
import type { LeafLabel } from '../domain/labels';
import { visibleNamespaces, type ReadScope } from '../domain/read-scope';
import type { ExportedItem } from '../domain/training-set';
import { LiveViews } from './live-views';
import { leafFromView } from './view-sql';

export interface Selection {
  dataset?: string;
  task?: string;
}

@Injectable()
export class TrainingSetRepository {
  constructor(private readonly views: LiveViews) {}

  /**
   * The selected items of the visible namespaces (filtered in SQL), in item-id order, with their
   * leaves (of the task, if given), from one snapshot of the views, one array per chunk of
   * limits.exportChunkItems rows read, at most one chunk ahead of the consumer: a slow client holds
   * two chunks in memory, never the training set, and one pooled connection until it finishes or leaves.
   */
  async *itemChunks(
    scope: ReadScope,
    selection: Selection,
  ): AsyncGenerator<{ item: ExportedItem; leaves: LeafLabel[] }[]> {
    const namespaces = visibleNamespaces(scope.visibility) ?? undefined;
    const chunks = this.views.stream((schema) =>
      streamItemsWithLeaves(
        this.views.knex,
        schema,
        { dataset: selection.dataset, task: selection.task, namespaces },
        scope.asOf,
        limits.exportChunkItems,
      ),
    );
    for await (const items of chunks)
      yield items.map(({ item, leaves }) => ({ item, leaves: leaves.map(leafFromView) }));
  }
}
