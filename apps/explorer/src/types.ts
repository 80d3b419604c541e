/**
 * The query API's answers, typed by the API's own domain types (type-only imports: nothing of the
 * server ends up in the bundle), so the explorer cannot drift from what the API sends.
 */
import type { contributorsOf, LabelDag } from '../../query-api/src/domain/label-dag';
import type { Item, LeafLabel } from '../../query-api/src/domain/labels';
import type {
  LineageGraph as ApiLineageGraph,
  LineageNode as ApiLineageNode,
} from '../../query-api/src/domain/lineage';

export type { Author, Item, LabelNode } from '../../query-api/src/domain/labels';
export type { Release, Retraction, Review } from '../../query-api/src/domain/lineage';

/** GET /v1/items/{itemId}/labels */
export type LabelHistory = LabelDag & ReturnType<typeof contributorsOf>;

/** GET /v1/items/{itemId} */
export interface ItemWithLeaves {
  item: Item;
  leaves: LeafLabel[];
}

/** A lineage node, with the attributes the API sets on artifacts and on steps. */
export interface LineageNode extends Omit<ApiLineageNode, 'attributes'> {
  attributes: {
    kind?: string;
    id?: string;
    version?: string | null;
    runId?: string;
    operation?: { name: string; version: string };
  };
}

/** GET /v1/lineage */
export interface LineageGraph extends Omit<ApiLineageGraph, 'nodes'> {
  nodes: LineageNode[];
  nextCursor: string | null;
}
