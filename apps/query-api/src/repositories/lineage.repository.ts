import { Injectable } from '@nestjs/common';
import { lineage, quotedSchema, type LineageGraph } from '@strata/views';
import type { ArtifactRef } from '../domain/lineage';
import type { ArtifactKind } from '../domain/node-id';
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
});

interface ArtifactRecord {
  kind: ArtifactKind;
  artifact_id: string;
  version: string | null;
}

@Injectable()
export class LineageRepository {
  constructor(private readonly views: LiveViews) {}

  /**
   * The lineage of a start in the asked directions, one walk in one statement, cut at `nodeCap`
   * nodes nearest first; undefined when an artifact start names no version visible then. The walk
   * passes only through steps of visible namespaces.
   */
  async graph(
    scope: ReadScope,
    start: LineageStart,
    direction: Direction,
    depth: number,
    nodeCap: number,
  ): Promise<LineageGraph | undefined> {
    return this.views.read(async (schema) => {
      const sql = statements(quotedSchema(schema));
      let from: ArtifactRef[] | { runId: string };
      if (start.kind === 'run') {
        from = { runId: start.runId };
      } else {
        from = (
          await queryRows<ArtifactRecord>(this.views.knex, sql.artifactVersions, scope, {
            kind: start.artifactKind,
            artifactId: start.id,
            version: start.version,
            limit: maxStartVersions,
          })
        ).map((record) => ({ kind: record.kind, id: record.artifact_id, version: record.version }));
        if (from.length === 0) return undefined;
      }
      return lineage(
        this.views.knex,
        schema,
        {
          from,
          direction,
          maxDepth: depth,
          maxNodes: nodeCap,
          namespaces: visibleNamespaces(scope.visibility) ?? undefined,
        },
        scope.asOf,
      );
    });
  }
}
