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
      this.items.leavesOf(scope, itemId),
    ]);
    return { item, leaves };
  }

  async leaves(scope: ReadScope, itemId: string): Promise<{ itemId: string; leaves: LeafLabel[] }> {
    // The item lookup is what decides visibility (its namespace), so it is always made.
    const [, leaves] = await Promise.all([this.existing(scope, itemId), this.items.leavesOf(scope, itemId)]);
    return { itemId, leaves };
  }

  async labelHistory(scope: ReadScope, itemId: string) {
    const [, dag] = await Promise.all([this.existing(scope, itemId), this.labels.dagOf(scope, itemId)]);
    return { ...dag, ...contributorsOf(dag) };
  }

  private async existing(scope: ReadScope, itemId: string): Promise<Item> {
    const item = await this.items.find(scope, itemId);
    if (!item) throw new NotFoundError('item', itemId);
    return item;
  }
}
