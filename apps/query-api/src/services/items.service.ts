import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors';
import type { ViewAsOf } from '../domain/as-of';
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

  async item(asOf: ViewAsOf, itemId: string): Promise<{ item: Item; leaves: LeafLabel[] }> {
    const [item, leaves] = await Promise.all([
      this.existing(asOf, itemId),
      this.items.leavesOf(asOf, itemId),
    ]);
    return { item, leaves };
  }

  async leaves(asOf: ViewAsOf, itemId: string): Promise<{ itemId: string; leaves: LeafLabel[] }> {
    const leaves = await this.items.leavesOf(asOf, itemId);
    // An item without leaves may still exist (no labels yet); only then is the lookup worth its cost.
    if (leaves.length === 0) await this.existing(asOf, itemId);
    return { itemId, leaves };
  }

  async labelHistory(asOf: ViewAsOf, itemId: string) {
    const [, dag] = await Promise.all([this.existing(asOf, itemId), this.labels.dagOf(asOf, itemId)]);
    return { ...dag, ...contributorsOf(dag) };
  }

  private async existing(asOf: ViewAsOf, itemId: string): Promise<Item> {
    const item = await this.items.find(asOf, itemId);
    if (!item) throw new NotFoundError('item', itemId);
    return item;
  }
}
