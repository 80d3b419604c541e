import { BadParameterError } from '../common/errors';
import type { LineageGraph } from './lineage';

/**
 * Paging of a lineage graph. Traversals are breadth-first in a deterministic order, so page N is the
 * N-th slice of the same node list: the cursor only needs to say how many nodes came before. It is
 * opaque to clients (base64url JSON) so its form can change.
 */
export interface LineagePageRequest {
  skip: number;
  limit: number;
}

/** The furthest a client may page into one graph; beyond this, narrow the query (depth, direction). */
export const maxLineageNodesPaged = 50_000;

export function encodeLineageCursor(skip: number): string {
  return Buffer.from(JSON.stringify({ skip }), 'utf8').toString('base64url');
}

export function decodeLineageCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  try {
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { skip?: unknown };
    if (Number.isSafeInteger(decoded.skip) && (decoded.skip as number) >= 0) {
      if ((decoded.skip as number) > maxLineageNodesPaged) {
        throw new BadParameterError(
          'cursor',
          `paging stops at ${maxLineageNodesPaged} nodes; narrow the query`,
        );
      }
      return decoded.skip as number;
    }
  } catch (error) {
    if (error instanceof BadParameterError) throw error;
  }
  throw new BadParameterError('cursor', 'not a cursor this API returned');
}

/**
 * One page of a graph traversed with a node cap of skip + limit + 1 (the extra node tells whether
 * more exist). Edges are those touching a node of the page whose other end is already known to the
 * client (on this or an earlier page), so following pages in order rebuilds the whole graph.
 */
export function pageOfGraph(
  graph: LineageGraph,
  { skip, limit }: LineagePageRequest,
): LineageGraph & { nextCursor: string | null } {
  const pageNodes = graph.nodes.slice(skip, skip + limit);
  const known = new Set(graph.nodes.slice(0, skip + limit).map((node) => node.id));
  const onPage = new Set(pageNodes.map((node) => node.id));
  const edges = graph.edges.filter(
    (edge) => known.has(edge.from) && known.has(edge.to) && (onPage.has(edge.from) || onPage.has(edge.to)),
  );
  const more = graph.nodes.length > skip + limit || graph.truncated;
  return {
    root: graph.root,
    nodes: pageNodes,
    edges,
    truncated: more,
    nextCursor: graph.nodes.length > skip + limit ? encodeLineageCursor(skip + limit) : null,
  };
}
