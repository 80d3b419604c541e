/** The parts of the query API's answers the explorer reads (see /openapi.json). */

export interface Author {
  kind: string;
  id: string;
}

export interface LogPosition {
  partition: number;
  offset: number;
  eventTime: string;
}

export interface LabelNode {
  labelId: string;
  itemId: string;
  task: string;
  payload: unknown;
  author: Author;
  confidence: number | null;
  tool: string | null;
  guidelineVersion: string | null;
  parents: string[];
  reason: string | null;
  position: LogPosition;
}

export interface Review {
  labelId: string;
  verdict: 'APPROVED' | 'REJECTED';
  reviewer: Author;
  comment: string | null;
  position: LogPosition;
}

export interface Retraction {
  labelId: string;
  reason: string | null;
  position: LogPosition;
}

/** GET /v1/items/{itemId}/labels */
export interface LabelHistory {
  itemId: string;
  nodes: LabelNode[];
  edges: { child: string; parent: string }[];
  leaves: string[];
  reviews: Review[];
  retractions: Retraction[];
  authors: { kind: string; id: string; labels: number }[];
  tools: { tool: string; labels: number }[];
}

export interface Item {
  itemId: string;
  uri: string;
  contentHash: string;
  mediaType: string;
  datasets: string[];
  source: string | null;
  license: string | null;
  position: LogPosition;
}

/** GET /v1/items/{itemId} */
export interface ItemWithLeaves {
  item: Item;
  leaves: { labelId: string }[];
}

export interface LineageNode {
  id: string;
  kind: 'artifact' | 'step';
  depth: number;
  attributes: {
    kind?: string;
    id?: string;
    version?: string | null;
    runId?: string;
    operation?: { name: string; version: string };
  };
}

/** GET /v1/lineage */
export interface LineageGraph {
  root: string;
  nodes: LineageNode[];
  edges: { from: string; to: string }[];
  truncated: boolean;
  nextCursor: string | null;
}

/** GET /v1/snapshots/{snapshotId} */
export interface Release {
  snapshotId: string;
  name: string;
  dataset: string | null;
  task: string | null;
  strategy: string;
  offsets: { topic: string; partition: number; offset: number }[];
  asOfTime: string | null;
  manifestSha256: string;
  itemCount: number;
  labelCount: number;
  createdAt: string;
}
