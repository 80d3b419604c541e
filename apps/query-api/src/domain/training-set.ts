import { createHash, type Hash } from 'node:crypto';
import type { Consolidation, UnresolvedReason, Vote } from './consolidation';
import { compareText, type Author, type Item, type LeafLabel, type Verdict } from './labels';

/** What a training line says of its item. */
export type ExportedItem = Pick<Item, 'itemId' | 'uri' | 'contentHash'>;

/** A label as a training line shows it. */
export interface TrainingLabel {
  labelId: string;
  payload: unknown;
  author: Author;
  confidence: number | null;
  latestVerdict: Verdict | null;
}

interface LineBase {
  itemId: string;
  uri: string;
  contentHash: string;
  task: string;
}

export type TrainingLine =
  | (LineBase & { label: TrainingLabel; vote?: Vote })
  | (LineBase & { unresolved: UnresolvedReason; leaves: TrainingLabel[] });

/** One line of a release manifest: which label of which item, and the content it was made on. */
export interface ManifestEntry {
  itemId: string;
  labelId: string;
  contentHash: string;
}

function trainingLabel(leaf: LeafLabel): TrainingLabel {
  return {
    labelId: leaf.labelId,
    payload: leaf.payload,
    author: leaf.author,
    confidence: leaf.confidence,
    latestVerdict: leaf.latestVerdict,
  };
}

/** The NDJSON lines one consolidated (item, task) contributes: one per trained label, or one report. */
export function trainingLines(
  item: ExportedItem,
  task: string,
  consolidation: Consolidation,
): TrainingLine[] {
  const base = { itemId: item.itemId, uri: item.uri, contentHash: item.contentHash, task };
  if (consolidation.status === 'unresolved') {
    return [{ ...base, unresolved: consolidation.reason, leaves: consolidation.leaves.map(trainingLabel) }];
  }
  return consolidation.labels.map((leaf) => ({
    ...base,
    label: trainingLabel(leaf),
    ...(consolidation.vote ? { vote: consolidation.vote } : {}),
  }));
}

/** The manifest entries of training lines; an unresolved report names every leaf it lists. */
export function manifestEntries(lines: readonly TrainingLine[]): ManifestEntry[] {
  return lines
    .flatMap((line) =>
      ('label' in line ? [line.label] : line.leaves).map((label) => ({
        itemId: line.itemId,
        labelId: label.labelId,
        contentHash: line.contentHash,
      })),
    )
    .sort((a, b) => compareText(a.itemId, b.itemId) || compareText(a.labelId, b.labelId));
}

/** Escapes as PostgreSQL's text COPY format does, so a tab or newline in an id cannot forge a field. */
function escapeField(value: string): string {
  return value.replace(
    /[\\\t\n\r]/g,
    (char) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[char]!,
  );
}

/** `itemId<TAB>labelId<TAB>contentHash<LF>`: the byte-exact line the manifest hash covers. */
export function manifestLine(entry: ManifestEntry): string {
  return `${escapeField(entry.itemId)}\t${escapeField(entry.labelId)}\t${escapeField(entry.contentHash)}\n`;
}

/** SHA-256 over a manifest's lines in order, fed line by line so a manifest never sits in memory. */
export class ManifestDigest {
  private readonly hash: Hash = createHash('sha256');
  private lastItemId: string | undefined;
  itemCount = 0;
  labelCount = 0;

  /** Adds one entry (entries arrive ordered by item) and returns its line. */
  add(entry: ManifestEntry): string {
    const line = manifestLine(entry);
    this.hash.update(line, 'utf8');
    this.labelCount += 1;
    if (entry.itemId !== this.lastItemId) this.itemCount += 1;
    this.lastItemId = entry.itemId;
    return line;
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}
