import type { ArtifactRef } from '@strata/contracts';
import { artifactKeyOf } from '@strata/projection';
import { asOfBindings, latest, visibleAsOf, type AsOf } from './as-of';
import { quotedSchema } from './schema-name';
import type { Queryable } from './sql-fragments';

export interface LineageQuery {
  /** The artifact to start from (an item is the artifact `{ kind: 'ITEM', id: itemId, version: null }`). */
  from: ArtifactRef;
  /** `upstream`: what it was made from; `downstream`: what was made from it. */
  direction: 'upstream' | 'downstream';
  /** Steps to follow away from the start; depth 1 is the steps touching it and their other artifacts. */
  maxDepth: number;
  /** Most artifacts plus steps returned, the start included; nearer nodes are kept first. */
  maxNodes: number;
  /** Walk only through steps of these namespaces (a reader's); absent: every namespace. */
  namespaces?: readonly string[];
}

export interface LineageGraph {
  artifacts: {
    artifactKey: string;
    kind: string;
    artifactId: string;
    version: string | null;
    depth: number;
  }[];
  steps: { stepId: string; runId: string; operationName: string; operationVersion: string; depth: number }[];
  /** Data-flow edges among the returned nodes: `INPUT` artifact → step, `OUTPUT` step → artifact. */
  edges: { stepId: string; artifactKey: string; direction: 'INPUT' | 'OUTPUT' }[];
  /** Whether nodes within maxDepth were left out because of maxNodes. */
  truncated: boolean;
}

const statements = (s: string) => ({
  /**
   * Breadth-first walk alternating artifact → step → artifact through visible lineage edges, in
   * half-hops (artifact depth = hops / 2). UNION keeps one row per node and distance, so the walk
   * is bounded by nodes × depth even on diamonds and cycles; nodes keep their shortest distance.
   */
  lineage: `
    WITH RECURSIVE
      walk (hops, node_kind, node_id) AS (
        SELECT 0, 'artifact', :start::text COLLATE "C"
        UNION
        SELECT walk.hops + 1, next.node_kind, next.node_id
          FROM walk CROSS JOIN LATERAL (
            SELECT 'step' AS node_kind, e.step_id AS node_id FROM ${s}.lineage_edges e
             WHERE walk.node_kind = 'artifact' AND e.artifact_key = walk.node_id AND e.direction = :artifactSide
               AND ${visibleAsOf('e', ':runsTopic')}
               AND (:namespaces::text[] IS NULL OR EXISTS (SELECT 1 FROM ${s}.run_steps t
                     WHERE t.step_id = e.step_id AND t.namespace = ANY(:namespaces::text[])))
            UNION ALL
            SELECT 'artifact', e.artifact_key FROM ${s}.lineage_edges e
             WHERE walk.node_kind = 'step' AND e.step_id = walk.node_id AND e.direction = :stepSide
               AND ${visibleAsOf('e', ':runsTopic')}) next
         WHERE walk.hops < 2 * :maxDepth::int),
      reached AS (SELECT node_kind, node_id, min(hops) AS hops FROM walk GROUP BY node_kind, node_id),
      kept AS (SELECT * FROM reached ORDER BY hops, node_kind, node_id LIMIT :maxNodes)
    SELECT
      (SELECT count(*) FROM reached) > :maxNodes AS truncated,
      (SELECT coalesce(json_agg(json_build_object('artifactKey', a.artifact_key, 'kind', a.kind,
                'artifactId', a.artifact_id, 'version', a.version, 'depth', k.hops / 2)
                ORDER BY k.hops, a.artifact_key), '[]'::json)
         FROM kept k JOIN ${s}.artifacts a ON a.artifact_key = k.node_id
        WHERE k.node_kind = 'artifact'
          -- the artifacts table keeps no position: an artifact exists as of the point iff a visible step names it
          AND EXISTS (SELECT 1 FROM ${s}.lineage_edges e
                       WHERE e.artifact_key = a.artifact_key AND ${visibleAsOf('e', ':runsTopic')})) AS artifacts,
      (SELECT coalesce(json_agg(json_build_object('stepId', t.step_id, 'runId', t.run_id,
                'operationName', t.operation_name, 'operationVersion', t.operation_version, 'depth', (k.hops + 1) / 2)
                ORDER BY k.hops, t.step_id), '[]'::json)
         FROM kept k JOIN ${s}.run_steps t ON t.step_id = k.node_id WHERE k.node_kind = 'step') AS steps,
      (SELECT coalesce(json_agg(json_build_object('stepId', e.step_id, 'artifactKey', e.artifact_key,
                'direction', e.direction) ORDER BY e.step_id, e.direction, e.ordinal), '[]'::json)
         FROM ${s}.lineage_edges e
         JOIN kept ks ON ks.node_kind = 'step' AND ks.node_id = e.step_id
         JOIN kept ka ON ka.node_kind = 'artifact' AND ka.node_id = e.artifact_key
        WHERE ${visibleAsOf('e', ':runsTopic')}) AS edges`,
});

/** Lineage of an artifact, upstream or downstream, capped in depth and node count, as of `asOf`. */
export async function lineage(
  db: Queryable,
  schemaName: string,
  query: LineageQuery,
  asOf: AsOf = latest,
): Promise<LineageGraph> {
  if (!Number.isInteger(query.maxDepth) || query.maxDepth < 0)
    throw new RangeError('maxDepth must be a non-negative integer');
  if (!Number.isInteger(query.maxNodes) || query.maxNodes < 1)
    throw new RangeError('maxNodes must be a positive integer');
  const sql = statements(quotedSchema(schemaName));
  const upstream = query.direction === 'upstream';
  const { rows } = await db.raw(sql.lineage, {
    ...asOfBindings(asOf),
    start: artifactKeyOf(query.from),
    artifactSide: upstream ? 'OUTPUT' : 'INPUT',
    stepSide: upstream ? 'INPUT' : 'OUTPUT',
    maxDepth: query.maxDepth,
    maxNodes: query.maxNodes,
    namespaces: query.namespaces ?? null,
  });
  const [graph] = rows as LineageGraph[];
  return graph;
}
