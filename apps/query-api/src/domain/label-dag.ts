import type { LabelNode } from './labels';
import type { Retraction, Review } from './lineage';

/** Everything ever said about the labels of one item: the correction DAG and what happened to it. */
export interface LabelDag {
  itemId: string;
  nodes: LabelNode[];
  /** child corrects parent */
  edges: { child: string; parent: string }[];
  leaves: string[];
  reviews: Review[];
  retractions: Retraction[];
}

/** Labels reachable from `labelId` along parent links (ancestors) and child links (descendants). */
export function relativesOf(dag: LabelDag, labelId: string): { ancestors: string[]; descendants: string[] } {
  const parentsOf = new Map<string, string[]>();
  const childrenOf = new Map<string, string[]>();
  for (const { child, parent } of dag.edges) {
    parentsOf.set(child, [...(parentsOf.get(child) ?? []), parent]);
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), child]);
  }
  return { ancestors: reachable(labelId, parentsOf), descendants: reachable(labelId, childrenOf) };
}

function reachable(start: string, next: Map<string, string[]>): string[] {
  const seen = new Set<string>();
  const queue = [...(next.get(start) ?? [])];
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id) || id === start) continue;
    seen.add(id);
    queue.push(...(next.get(id) ?? []));
  }
  // Breadth-first order: nearest relatives first, which is how a reader walks a history.
  return [...seen];
}

/** Authors and tools that touched an item's labels, with how many label nodes each made. */
export function contributorsOf(dag: LabelDag): {
  authors: { kind: string; id: string; labels: number }[];
  tools: { tool: string; labels: number }[];
} {
  const authors = new Map<string, { kind: string; id: string; labels: number }>();
  const tools = new Map<string, number>();
  for (const node of dag.nodes) {
    const key = `${node.author.kind}\u0000${node.author.id}`;
    const author = authors.get(key) ?? { ...node.author, labels: 0 };
    author.labels += 1;
    authors.set(key, author);
    if (node.tool) tools.set(node.tool, (tools.get(node.tool) ?? 0) + 1);
  }
  return {
    authors: [...authors.values()],
    tools: [...tools.entries()].map(([tool, labels]) => ({ tool, labels })),
  };
}
