import { Injectable } from '@nestjs/common';
import { lineage, quotedSchema, type LineageGraph as ViewsLineageGraph } from '@strata/views';
import type { ArtifactRef, LineageGraph } from '../domain/lineage';
import { formatNodeId, type ArtifactKind } from '../domain/node-id';
import { visibleNamespaces, type ReadScope } from '../domain/read-scope';
import { LiveViews } from './live-views';
import { inVisibleNamespace, queryRows, visibleAsOf } from './view-sql';

export type Direction = 'upstream' | 'downstream' | 'both';

/** Where a traversal starts: the artifact versions a node stands for. */
export type LineageStart =
  | { kind: 'artifact'; artifactKind: ArtifactKind; id: string; version: string | null }
  | { kind: 'run'; runId: string };

/** Versions of one artifact a traversal may start from; more than this is a producer's mistake, not lineage. */
const maxStartVersions = 100;

const statements = (s: string) => ({
  /**
   * The versions of an artifact that visible steps used or made (`:version` null: every version);
   * artifacts carry no log position nor namespace, their lineage edges and steps do.
   */
  artifactVersions: `
    SELECT DISTINCT a.kind, a.artifact_id, a.version
      FROM ${s}.artifacts a JOIN ${s}.lineage_edges e ON e.artifact_key = a.artifact_key
      JOIN ${s}.run_steps t ON t.step_id = e.step_id
     WHERE a.kind = :kind AND a.artifact_id = :artifactId
       AND (:version::text IS NULL OR a.version = :version) AND ${visibleAsOf('e', ':runsTopic')}
       AND ${inVisibleNamespace('t')}
     ORDER BY a.version NULLS FIRST LIMIT :limit`,
  /** The artifacts a run's visible steps made (`:side` OUTPUT) or used (INPUT). */
  runArtifacts: `
    SELECT DISTINCT a.kind, a.artifact_id, a.version
      FROM ${s}.lineage_edges e JOIN ${s}.artifacts a ON a.artifact_key = e.artifact_key
      JOIN ${s}.run_steps t ON t.step_id = e.step_id
     WHERE e.run_id = :runId AND e.direction = :side AND ${visibleAsOf('e', ':runsTopic')}
       AND ${inVisibleNamespace('t')}
     ORDER BY a.kind, a.artifact_id, a.version NULLS FIRST LIMIT :limit`,
});

interface ArtifactRecord {
  kind: ArtifactKind;
  artifact_id: string;
  version: string | null;
}

const artifactNodeId = (ref: { kind: string; id: string; version: string | null }) =>
  formatNodeId({
    kind: 'artifact',
    artifactKind: ref.kind as ArtifactKind,
    id: ref.id,
    version: ref.version,
  });

/** The views library's graph as ours: node ids clients can follow, edges in data-flow direction. */
function graphFrom(root: string, graph: ViewsLineageGraph): LineageGraph {
  const artifactIds = new Map(
    graph.artifacts.map((a) => [
      a.artifactKey,
      artifactNodeId({ kind: a.kind, id: a.artifactId, version: a.version }),
    ]),
  );
  return {
    root,
    nodes: [
      ...graph.artifacts.map((a) => ({
        id: artifactIds.get(a.artifactKey)!,
        kind: 'artifact' as const,
        depth: a.depth,
        attributes: { kind: a.kind, id: a.artifactId, version: a.version },
      })),
      ...graph.steps.map((step) => ({
        id: `step:${step.stepId}`,
        kind: 'step' as const,
        depth: step.depth,
        attributes: {
          runId: step.runId,
          operation: { name: step.operationName, version: step.operationVersion },
        },
      })),
    ],
    edges: graph.edges.flatMap((edge) => {
      const artifact = artifactIds.get(edge.artifactKey);
      if (!artifact) return [];
      const step = `step:${edge.stepId}`;
      return [edge.direction === 'INPUT' ? { from: artifact, to: step } : { from: step, to: artifact }];
    }),
    truncated: graph.truncated,
  };
}

@Injectable()
export class LineageRepository {
  constructor(private readonly views: LiveViews) {}

  /**
   * Traversals from every artifact version the start stands for, in each asked direction. A run
   * starts upstream from what it made and downstream from what it used, so its own steps are included.
   * The walk passes only through steps of visible namespaces.
   */
  async traversals(
    scope: ReadScope,
    start: LineageStart,
    direction: Direction,
    depth: number,
    nodeCap: number,
  ): Promise<LineageGraph[]> {
    const directions: ('upstream' | 'downstream')[] =
      direction === 'both' ? ['upstream', 'downstream'] : [direction];
    return this.views.read(async (schema) => {
      const sql = statements(quotedSchema(schema));
      const graphs: LineageGraph[] = [];
      for (const way of directions) {
        const records =
          start.kind === 'run'
            ? await queryRows<ArtifactRecord>(this.views.knex, sql.runArtifacts, scope, {
                runId: start.runId,
                side: way === 'upstream' ? 'OUTPUT' : 'INPUT',
                limit: maxStartVersions,
              })
            : await queryRows<ArtifactRecord>(this.views.knex, sql.artifactVersions, scope, {
                kind: start.artifactKind,
                artifactId: start.id,
                version: start.version,
                limit: maxStartVersions,
              });
        for (const record of records) {
          const from: ArtifactRef = { kind: record.kind, id: record.artifact_id, version: record.version };
          const graph = await lineage(
            this.views.knex,
            schema,
            {
              from,
              direction: way,
              maxDepth: depth,
              maxNodes: nodeCap,
              namespaces: visibleNamespaces(scope.visibility) ?? undefined,
            },
            scope.asOf,
          );
          graphs.push(graphFrom(artifactNodeId(from), graph));
        }
      }
      return graphs;
    });
  }
}
