import { Injectable } from '@nestjs/common';
import { allItemLeaves, datasetLeaves, type DatasetLeavesPage } from '@strata/views';
import type { Item, LeafLabel } from '../domain/labels';
import { visibleNamespaces, type ReadScope } from '../domain/read-scope';
import { ItemsRepository } from './items.repository';
import { LiveViews } from './live-views';
import { leafFromView } from './view-sql';

export interface Selection {
  dataset?: string;
  task?: string;
}

export interface LeavesPage {
  items: { item: Item; leaves: LeafLabel[] }[];
  /** Where the next page starts; null on the last page. */
  nextAfterItemId: string | null;
}

@Injectable()
export class TrainingSetRepository {
  constructor(
    private readonly views: LiveViews,
    private readonly items: ItemsRepository,
  ) {}

  /**
   * One keyset page of the selected items of the visible namespaces (filtered by the page query
   * itself), in item-id order, with their leaves (of the task, if given).
   */
  async leavesPage(
    scope: ReadScope,
    selection: Selection,
    afterItemId: string | undefined,
    limit: number,
  ): Promise<LeavesPage> {
    const namespaces = visibleNamespaces(scope.visibility) ?? undefined;
    const page: DatasetLeavesPage = await this.views.read((schema) =>
      selection.dataset === undefined
        ? allItemLeaves(this.views.knex, schema, { afterItemId, limit, namespaces }, scope.asOf)
        : datasetLeaves(
            this.views.knex,
            schema,
            { dataset: selection.dataset, task: selection.task, afterItemId, limit, namespaces },
            scope.asOf,
          ),
    );
    const items = new Map(
      (
        await this.items.findMany(
          scope,
          page.items.map((entry) => entry.itemId),
        )
      ).map((item) => [item.itemId, item]),
    );
    return {
      items: page.items.flatMap(({ itemId, leaves }) => {
        const item = items.get(itemId);
        // allItemLeaves has no task filter; the dataset query applied it already, so this is a no-op there.
        const selected = leaves.filter(
          (leaf) => selection.task === undefined || leaf.task === selection.task,
        );
        return item ? [{ item, leaves: selected.map(leafFromView) }] : [];
      }),
      nextAfterItemId: page.nextAfterItemId,
    };
  }
}
