import { Injectable } from '@nestjs/common';
import { itemLabelGraph, itemLeaves, quotedSchema, type LabelGraph } from '@strata/views';
import type { LabelDag } from '../domain/label-dag';
import { decodePayload, type AuthorKind } from '../domain/labels';
import type { ReadScope } from '../domain/read-scope';
import { LiveViews } from './live-views';
import { inVisibleNamespace, positionOf, queryRows, visibleAsOf } from './view-sql';

const statements = (s: string) => ({
  /** A label's item, when the item is visible: labels, reviews and retractions belong to their item. */
  itemOfLabel: `
    SELECT n.item_id FROM ${s}.label_nodes n JOIN ${s}.items i ON i.item_id = n.item_id
     WHERE n.label_id = :labelId AND ${visibleAsOf('n', ':itemsTopic')}
       AND ${visibleAsOf('i', ':itemsTopic')} AND ${inVisibleNamespace('i')}`,
});

@Injectable()
export class LabelsRepository {
  constructor(private readonly views: LiveViews) {}

  /** The item a label belongs to, if both exist at that point of the log and the item is visible. */
  async itemOf(scope: ReadScope, labelId: string): Promise<string | undefined> {
    const [record] = await this.views.read((schema) =>
      queryRows<{ item_id: string }>(this.views.knex, statements(quotedSchema(schema)).itemOfLabel, scope, {
        labelId,
      }),
    );
    return record?.item_id;
  }

  /** The correction DAG of an item the caller has found visible, with its reviews, retractions and leaves. */
  async dagOf(scope: ReadScope, itemId: string): Promise<LabelDag> {
    const [graph, leaves] = await this.views.read((schema) =>
      Promise.all([
        itemLabelGraph(this.views.knex, schema, itemId, scope.asOf),
        itemLeaves(this.views.knex, schema, itemId, scope.asOf),
      ]),
    );
    return { ...labelDagFrom(graph), leaves: leaves.map((leaf) => leaf.labelId) };
  }
}

function labelDagFrom(graph: LabelGraph): Omit<LabelDag, 'leaves'> {
  const parentsOf = new Map<string, string[]>();
  for (const edge of graph.edges)
    parentsOf.set(edge.childId, [...(parentsOf.get(edge.childId) ?? []), edge.parentId]);
  return {
    itemId: graph.itemId,
    nodes: graph.nodes.map((node) => ({
      labelId: node.labelId,
      itemId: graph.itemId,
      task: node.task,
      payload: decodePayload(node.payload),
      author: { kind: node.authorKind as AuthorKind, id: node.authorId },
      tool: node.tool,
      confidence: node.confidence,
      guidelineVersion: node.guidelineVersion,
      parents: parentsOf.get(node.labelId) ?? [],
      reason: node.correctionReason,
      position: positionOf(node),
    })),
    edges: graph.edges.map((edge) => ({ child: edge.childId, parent: edge.parentId })),
    reviews: graph.reviews.map((review) => ({
      labelId: review.labelId,
      verdict: review.verdict,
      reviewer: { kind: review.reviewerKind as AuthorKind, id: review.reviewerId },
      comment: review.comment,
      position: positionOf(review),
    })),
    retractions: graph.retractions.map((retraction) => ({
      labelId: retraction.labelId,
      reason: retraction.reason,
      position: positionOf(retraction),
    })),
  };
}
