import { Injectable } from '@nestjs/common';
import { itemLabelGraph, itemLeaves, quotedSchema, type LabelGraph } from '@strata/views';
import type { ViewAsOf } from '../domain/as-of';
import type { LabelDag } from '../domain/label-dag';
import { decodePayload, type AuthorKind } from '../domain/labels';
import { LiveViews } from './live-views';
import { positionOf, queryRows, visibleAsOf } from './view-sql';

const statements = (s: string) => ({
  itemOfLabel: `
    SELECT n.item_id FROM ${s}.label_nodes n WHERE n.label_id = :labelId AND ${visibleAsOf('n', ':itemsTopic')}`,
});

@Injectable()
export class LabelsRepository {
  constructor(private readonly views: LiveViews) {}

  /** The item a label belongs to, if the label exists at that point of the log. */
  async itemOf(asOf: ViewAsOf, labelId: string): Promise<string | undefined> {
    const [record] = await this.views.read((schema) =>
      queryRows<{ item_id: string }>(this.views.knex, statements(quotedSchema(schema)).itemOfLabel, asOf, {
        labelId,
      }),
    );
    return record?.item_id;
  }

  /** An item's correction DAG with its reviews, retractions and current leaves. */
  async dagOf(asOf: ViewAsOf, itemId: string): Promise<LabelDag> {
    const [graph, leaves] = await this.views.read((schema) =>
      Promise.all([
        itemLabelGraph(this.views.knex, schema, itemId, asOf),
        itemLeaves(this.views.knex, schema, itemId, asOf),
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
