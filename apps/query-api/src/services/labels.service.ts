import { Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors';
import type { ReadScope } from '../domain/read-scope';
import { relativesOf } from '../domain/label-dag';
import { LabelsRepository } from '../repositories/labels.repository';

@Injectable()
export class LabelsService {
  constructor(private readonly labels: LabelsRepository) {}

  /** A label with its place in its item's correction DAG: ancestors, descendants, reviews, leaf or not. */
  async label(scope: ReadScope, labelId: string) {
    const itemId = await this.labels.itemOf(scope, labelId);
    if (itemId === undefined) throw new NotFoundError('label', labelId);
    const dag = await this.labels.dagOf(scope, itemId);
    const label = dag.nodes.find((node) => node.labelId === labelId);
    if (!label) throw new NotFoundError('label', labelId);
    const { ancestors, descendants } = relativesOf(dag, labelId);
    const byId = new Map(dag.nodes.map((node) => [node.labelId, node]));
    const retraction = dag.retractions.find((entry) => entry.labelId === labelId) ?? null;
    return {
      label,
      isLeaf: dag.leaves.includes(labelId),
      retraction,
      reviews: dag.reviews.filter((review) => review.labelId === labelId),
      ancestors: ancestors.flatMap((id) => byId.get(id) ?? []),
      descendants: descendants.flatMap((id) => byId.get(id) ?? []),
    };
  }
}
