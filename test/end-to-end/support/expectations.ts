import { createHash } from 'node:crypto';
import type { StrataEvent } from '@strata/contracts';
import { referenceFold, type PositionedEvent } from '@strata/projection';

/*
 * What the query API must answer, worked out from the events read back from the log with the
 * projection's reference fold (naive, whole-history, written apart from the projector) and a few
 * lines of arithmetic here — never with the API's or the views' own code.
 */

export interface ExpectedLeaf {
  labelId: string;
  task: string;
  latestVerdict: 'APPROVED' | 'REJECTED' | null;
}

/** A training-set line reduced to what identifies it: a trained label, or an unresolved report. */
export type ExpectedLine =
  | { itemId: string; uri: string; contentHash: string; task: string; labelId: string }
  | { itemId: string; uri: string; contentHash: string; task: string; unresolved: string; leaves: string[] };

export type StrategyName = 'latest' | 'all-leaves' | 'majority' | 'unresolved';

interface RegisteredItem {
  itemId: string;
  uri: string;
  contentHash: string;
  datasets: string[];
}

export interface MadeLabel {
  labelId: string;
  itemId: string;
  offset: number;
  payload: Record<string, unknown>;
  parents: string[];
}

/** The demo's log as the test read it back, and the answers it implies at any cut. */
export class ExpectedViews {
  readonly items = new Map<string, RegisteredItem>();
  readonly labels = new Map<string, MadeLabel>();

  constructor(readonly events: readonly PositionedEvent[]) {
    for (const { event, position } of events) {
      if (event.type === 'ItemRegistered') {
        const { itemId, uri, contentHash, datasets } = event.event;
        this.items.set(itemId, { itemId, uri, contentHash, datasets });
      } else if (event.type === 'LabelCreated' || event.type === 'LabelCorrected') {
        const { labelId, itemId, payload } = event.event;
        const parents = event.type === 'LabelCorrected' ? event.event.parents : [];
        this.labels.set(labelId, {
          labelId,
          itemId,
          offset: position.offset,
          payload: JSON.parse(payload),
          parents,
        });
      }
    }
  }

  /** The same log cut to the events `keep` accepts (a prefix of every partition, for an offset or time cut). */
  cut(keep: (event: PositionedEvent) => boolean): ExpectedViews {
    return new ExpectedViews(this.events.filter(keep));
  }

  /** Leaves per item with labels, sorted by labelId (the reference fold's answer). */
  leaves(): Map<string, ExpectedLeaf[]> {
    return referenceFold(this.events).leavesByItem as Map<string, ExpectedLeaf[]>;
  }

  /** The label of `itemId` that consolidates several others (a correction with several parents). */
  consolidationOf(itemId: string): MadeLabel {
    const label = [...this.labels.values()].find((made) => made.itemId === itemId && made.parents.length > 1);
    if (!label) throw new Error(`${itemId} has no consolidation in the log`);
    return label;
  }

  /** The events of one item, in log order. */
  eventsOf(itemId: string): StrataEvent[] {
    return this.events
      .filter(({ event }) => 'itemId' in event.event && event.event.itemId === itemId)
      .map(({ event }) => event);
  }

  /**
   * The training set of `dataset` for `task` under a strategy, sorted (see {@link lineKey}). A leaf
   * whose latest review is a rejection makes its item unresolved under every strategy.
   */
  trainingSet(dataset: string, task: string, strategy: StrategyName, field = task): ExpectedLine[] {
    const lines: ExpectedLine[] = [];
    for (const [itemId, allLeaves] of this.leaves()) {
      const item = this.items.get(itemId)!;
      if (!item.datasets.includes(dataset)) continue;
      const leaves = allLeaves
        .filter((leaf) => leaf.task === task)
        .sort((a, b) => this.labels.get(a.labelId)!.offset - this.labels.get(b.labelId)!.offset);
      if (leaves.length === 0) continue;
      const base = { itemId, uri: item.uri, contentHash: item.contentHash, task };
      const unresolved = (reason: string) => ({
        ...base,
        unresolved: reason,
        leaves: leaves.map((l) => l.labelId),
      });
      const trained = (labelIds: string[]) => labelIds.map((labelId) => ({ ...base, labelId }));
      const rejected = leaves.some((leaf) => leaf.latestVerdict === 'REJECTED');
      if (strategy === 'unresolved') {
        if (rejected) lines.push(unresolved('rejected-leaf'));
        else if (leaves.length > 1) lines.push(unresolved('several-leaves'));
        continue;
      }
      if (rejected) continue;
      if (strategy === 'latest') lines.push(...trained([leaves.at(-1)!.labelId]));
      if (strategy === 'all-leaves') lines.push(...trained(leaves.map((leaf) => leaf.labelId)));
      if (strategy === 'majority') {
        const votes = new Map<string, string[]>();
        for (const leaf of leaves) {
          const value = this.labels.get(leaf.labelId)!.payload[field];
          if (value === undefined) continue;
          const key = JSON.stringify(value);
          votes.set(key, [...(votes.get(key) ?? []), leaf.labelId]);
        }
        const ranked = [...votes.values()].sort((a, b) => b.length - a.length);
        const tie = ranked.length > 1 && ranked[0].length === ranked[1].length;
        if (ranked.length > 0 && !tie) lines.push(...trained([ranked[0].at(-1)!]));
      }
    }
    return lines.sort((a, b) => compareCodePoints(lineKey(a), lineKey(b)));
  }
}

/** Orders lines by item, then label (or report): how the comparison sees both sides. */
export function lineKey(line: ExpectedLine): string {
  return `${line.itemId}\u0000${'labelId' in line ? line.labelId : `unresolved:${line.leaves.join(',')}`}`;
}

export function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A release manifest as specified (README of apps/query-api): one `itemId<TAB>labelId<TAB>contentHash`
 * line per trained label or listed leaf, in item then label order, and the SHA-256 of those bytes.
 */
export function manifestOf(lines: readonly ExpectedLine[]): { text: string; sha256: string } {
  const entries = lines
    .flatMap((line) =>
      ('labelId' in line ? [line.labelId] : line.leaves).map((labelId) => [
        line.itemId,
        labelId,
        line.contentHash,
      ]),
    )
    .sort((a, b) => compareCodePoints(a[0], b[0]) || compareCodePoints(a[1], b[1]));
  const text = entries.map((fields) => `${fields.join('\t')}\n`).join('');
  return { text, sha256: createHash('sha256').update(text).digest('hex') };
}
