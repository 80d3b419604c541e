import type { Verdict } from '@strata/contracts';
import { asOfBindings, latest, visibleAsOf, type AsOf } from './as-of';
import { quotedSchema } from './schema-name';
import { epochMillis, type Queryable } from './sql-fragments';

/** Where and when the event that made a row sits in the log. */
export interface RowPosition {
  eventId: string;
  eventTime: number;
  partition: number;
  offset: number;
}

export interface LabelNodeView extends RowPosition {
  labelId: string;
  task: string;
  payload: string;
  authorKind: string;
  authorId: string;
  tool: string | null;
  confidence: number | null;
  guidelineVersion: string | null;
  correctionReason: string | null;
}

export interface LabelReviewView extends RowPosition {
  labelId: string;
  verdict: Verdict;
  reviewerKind: string;
  reviewerId: string;
  comment: string | null;
}

export interface LabelRetractionView extends RowPosition {
  labelId: string;
  reason: string | null;
}

/** The whole correction history of one item: every label, parent link, review and retraction, in log order. */
export interface LabelGraph {
  itemId: string;
  nodes: LabelNodeView[];
  edges: { childId: string; parentId: string }[];
  reviews: LabelReviewView[];
  retractions: LabelRetractionView[];
}

const statements = (s: string) => {
  const position = (alias: string) => `
    'eventId', ${alias}.event_id, 'eventTime', ${epochMillis(`${alias}.event_time`)},
    'partition', ${alias}.log_partition, 'offset', ${alias}.log_offset`;
  return {
    /** One statement, hence one snapshot, for the four parts of the graph. */
    labelGraph: `
      SELECT
        (SELECT coalesce(json_agg(json_build_object(
                  'labelId', n.label_id, 'task', n.task, 'payload', n.payload, 'authorKind', n.author_kind,
                  'authorId', n.author_id, 'tool', n.tool, 'confidence', n.confidence,
                  'guidelineVersion', n.guideline_version, 'correctionReason', n.correction_reason, ${position('n')})
                  ORDER BY n.log_offset), '[]'::json)
           FROM ${s}.label_nodes n WHERE n.item_id = :itemId AND ${visibleAsOf('n', ':itemsTopic')}) AS nodes,
        (SELECT coalesce(json_agg(json_build_object('childId', e.child_id, 'parentId', e.parent_id)
                  ORDER BY e.log_offset, e.parent_id), '[]'::json)
           FROM ${s}.label_edges e WHERE e.item_id = :itemId AND ${visibleAsOf('e', ':itemsTopic')}) AS edges,
        (SELECT coalesce(json_agg(json_build_object(
                  'labelId', v.label_id, 'verdict', v.verdict, 'reviewerKind', v.reviewer_kind,
                  'reviewerId', v.reviewer_id, 'comment', v.comment, ${position('v')})
                  ORDER BY v.log_offset), '[]'::json)
           FROM ${s}.label_reviews v WHERE v.item_id = :itemId AND ${visibleAsOf('v', ':itemsTopic')}) AS reviews,
        (SELECT coalesce(json_agg(json_build_object('labelId', r.label_id, 'reason', r.reason, ${position('r')})
                  ORDER BY r.log_offset), '[]'::json)
           FROM ${s}.label_retractions r WHERE r.item_id = :itemId AND ${visibleAsOf('r', ':itemsTopic')}) AS retractions`,
  };
};

/** The label DAG of one item as of `asOf` (all parts empty for an unknown item). */
export async function itemLabelGraph(
  db: Queryable,
  schemaName: string,
  itemId: string,
  asOf: AsOf = latest,
): Promise<LabelGraph> {
  const sql = statements(quotedSchema(schemaName));
  const { rows } = await db.raw(sql.labelGraph, { ...asOfBindings(asOf), itemId });
  const [graph] = rows as Omit<LabelGraph, 'itemId'>[];
  return { itemId, ...graph };
}
