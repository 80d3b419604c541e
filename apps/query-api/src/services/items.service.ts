import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors';
import type { ReadScope } from '../domain/read-scope';
import { contributorsOf } from '../domain/label-dag';
import type { Item, LeafLabel } from '../domain/labels';
import { ItemsRepository } from '../repositories/items.repository';
import { LabelsRepository } from '../repositories/labels.repository';

@Injectable()
export class ItemsService {
  constructor(
    private readonly items: ItemsRepository,
    private readonly labels: LabelsRepository,
  ) {}

  async item(scope: ReadScope, itemId: string): Promise<{ item: Item; leaves: LeafLabel[] }> {
    const [item, leaves] = await Promise.all([
      this.existing(scope, itemId),
      this.visibleLeaves(scope, itemId),
    ]);
    return { item, leaves };
  }

  async leaves(scope: ReadScope, itemId: string): Promise<{ itemId: string; leaves: LeafLabel[] }> {
    return { itemId, leaves: await this.visibleLeaves(scope, itemId) };
  }

  async labelHistory(scope: ReadScope, itemId: string) {
    const [, dag] = await Promise.all([this.existing(scope, itemId), this.labels.dagOf(scope, itemId)]);
    return { ...dag, ...contributorsOf(dag) };
  }

  /** The item's namespace decides visibility; the leaves query checks it in the same statement. */
  private async visibleLeaves(scope: ReadScope, itemId: string): Promise<LeafLabel[]> {
    const leaves = await this.items.visibleLeavesOf(scope, itemId);
    if (!leaves) throw new NotFoundError('item', itemId);
    return leaves;
  }

  private async existing(scope: ReadScope, itemId: string): Promise<Item> {
    const item = await this.items.find(scope, itemId);
    if (!item) throw new NotFoundError('item', itemId);
    return item;
  }
}
