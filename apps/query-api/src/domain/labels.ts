/** The API's own picture of label nodes, independent of how the views store them. */

export type AuthorKind = 'HUMAN' | 'MODEL' | 'RULE';
export type Verdict = 'APPROVED' | 'REJECTED';

export interface Author {
  kind: AuthorKind;
  id: string;
}

/**
 * Where the event that made a row sits in the log. The topic is implied by the row's kind (labels
 * and items: strata.items; runs and steps: strata.runs); all events of an item share a partition,
 * so offsets order an item's history.
 */
export interface LogPosition {
  partition: number;
  offset: number;
  /** The envelope's event time, ISO-8601. */
  eventTime: string;
}

/** What every label (node or leaf) says. */
export interface LabelBase {
  labelId: string;
  itemId: string;
  task: string;
  /** The label's payload, decoded from the event's JSON text. */
  payload: unknown;
  author: Author;
  confidence: number | null;
  position: LogPosition;
}

/** A node of an item's correction DAG, as its LabelCreated or LabelCorrected event made it. */
export interface LabelNode extends LabelBase {
  tool: string | null;
  guidelineVersion: string | null;
  /** Labels this one corrects (empty for a root label created from scratch). */
  parents: string[];
  /** Why it was corrected; null for a root label. */
  reason: string | null;
}

/** A leaf of an item's correction DAG, with the verdict of its most recent review if any. */
export interface LeafLabel extends LabelBase {
  latestVerdict: Verdict | null;
}

export interface Item {
  itemId: string;
  uri: string;
  contentHash: string;
  mediaType: string;
  datasets: string[];
  source: string | null;
  license: string | null;
  attributes: Record<string, string>;
  position: LogPosition;
}

/** JSON text with object keys sorted, so equal values always have the same text (votes, hashes). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => compareText(a, b));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Decodes a payload's JSON text; text that is not JSON is kept as the string it is. */
export function decodePayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Code-point order, the same in every locale and the same as PostgreSQL's `COLLATE "C"`. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Log order (all events of an item share a partition); the label id makes the order total. */
export function compareByPosition(a: LabelBase, b: LabelBase): number {
  return (
    a.position.partition - b.position.partition ||
    a.position.offset - b.position.offset ||
    compareText(a.labelId, b.labelId)
  );
}
