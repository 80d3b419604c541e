import { Injectable } from '@nestjs/common';
import { quotedSchema, visibleItemLeaves } from '@strata/views';
import type { Item, LeafLabel } from '../domain/labels';
import { visibleNamespaces, type ReadScope } from '../domain/read-scope';
import { LiveViews } from './live-views';
import {
  epochMillis,
  inVisibleNamespace,
  leafFromView,
  positionOf,
  queryRows,
  visibleAsOf,
} from './view-sql';

const statements = (s: string) => ({
  /** Items by id as of the bindings, of the visible namespaces, with the datasets they were registered in. */
  items: `
    SELECT i.item_id, i.uri, i.content_hash, i.media_type, i.source, i.license, i.attributes,
           ${epochMillis('i.event_time')} AS event_time, i.log_partition, i.log_offset,
           ARRAY(SELECT d.dataset FROM ${s}.item_datasets d WHERE d.item_id = i.item_id ORDER BY d.dataset) AS datasets
      FROM ${s}.items i
     WHERE i.item_id IN (SELECT unnest(:itemIds::text[])) AND ${visibleAsOf('i', ':itemsTopic')} AND ${inVisibleNamespace('i')}
     ORDER BY i.item_id`,
});

interface ItemRecord {
  item_id: string;
  uri: string;
  content_hash: string;
  media_type: string;
  source: string | null;
  license: string | null;
  attributes: Record<string, string>;
  event_time: number;
  log_partition: number;
  log_offset: string;
  datasets: string[];
}

@Injectable()
export class ItemsRepository {
  constructor(private readonly views: LiveViews) {}

  async find(scope: ReadScope, itemId: string): Promise<Item | undefined> {
    const [item] = await this.findMany(scope, [itemId]);
    return item;
  }

  /** Items by id, in item-id order; ids unknown at that point or of other namespaces are left out. */
  async findMany(scope: ReadScope, itemIds: readonly string[]): Promise<Item[]> {
    if (itemIds.length === 0) return [];
    const records = await this.views.read((schema) =>
      queryRows<ItemRecord>(this.views.knex, statements(quotedSchema(schema)).items, scope, { itemIds }),
    );
    return records.map((record) => ({
      itemId: record.item_id,
      uri: record.uri,
      contentHash: record.content_hash,
      mediaType: record.media_type,
      datasets: record.datasets,
      source: record.source,
      license: record.license,
      attributes: record.attributes,
      position: positionOf({
        eventTime: record.event_time,
        partition: record.log_partition,
        offset: record.log_offset,
      }),
    }));
  }

  /**
   * The leaves of an item, or undefined when the item is not visible to the read (unknown at that
   * point, or of another namespace): the visibility check and the leaves are one statement.
   */
  async visibleLeavesOf(scope: ReadScope, itemId: string): Promise<LeafLabel[] | undefined> {
    const namespaces = visibleNamespaces(scope.visibility) ?? undefined;
    const leaves = await this.views.read((schema) =>
      visibleItemLeaves(this.views.knex, schema, itemId, scope.asOf, { namespaces }),
    );
    return leaves?.map(leafFromView);
  }
}
