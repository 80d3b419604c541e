import { BadParameterError } from '../common/errors';
import { canonicalJson, compareByPosition, type LeafLabel } from './labels';

/**
 * How the leaves of one item (for one task) become training labels. Leaves are the labels to train
 * on; several leaves mean annotators disagree and nobody consolidated them yet.
 */
export type Strategy =
  { name: 'latest' } | { name: 'all-leaves' } | { name: 'majority'; field: string } | { name: 'unresolved' };

export const strategyNames = ['latest', 'all-leaves', 'majority', 'unresolved'] as const;
const fieldPattern = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Parses `strategy` (default `latest`) and, for `majority`, the payload `field` it votes over. */
export function parseStrategy(strategy: string | undefined, field: string | undefined): Strategy {
  const name = strategy?.trim() || 'latest';
  switch (name) {
    case 'latest':
    case 'all-leaves':
    case 'unresolved':
      return { name };
    case 'majority':
      if (!field || field.length > 200 || !fieldPattern.test(field)) {
        throw new BadParameterError(
          'field',
          'majority needs field=<payload field>, e.g. field=class or field=a.b',
        );
      }
      return { name, field };
    default:
      throw new BadParameterError(
        'strategy',
        `unknown strategy "${name}"; use one of ${strategyNames.join(', ')}`,
      );
  }
}

/** The strategy as one string (`majority:class`), the form SnapshotFrozen carries. */
export function formatStrategy(strategy: Strategy): string {
  return strategy.name === 'majority' ? `majority:${strategy.field}` : strategy.name;
}

export function parseFormattedStrategy(text: string): Strategy {
  const [name, field] = text.split(/:(.*)/s);
  return parseStrategy(name, field);
}

export type UnresolvedReason = 'rejected-leaf' | 'several-leaves' | 'tie' | 'no-votes';

export interface Vote {
  field: string;
  /** The winning value of the field, as canonical JSON text. */
  value: string;
  votes: number;
  voters: number;
}

export type Consolidation =
  | { status: 'resolved'; labels: LeafLabel[]; vote?: Vote }
  | { status: 'unresolved'; reason: UnresolvedReason; leaves: LeafLabel[] };

/**
 * Consolidates the leaves of one (item, task). A leaf whose latest review is a rejection makes the
 * item unresolved under every strategy: it must not be trained on, and dropping it silently would
 * train on whatever is left. `unresolved` additionally treats several leaves as unresolved, which is
 * the list humans consolidate from.
 */
export function consolidate(strategy: Strategy, leaves: readonly LeafLabel[]): Consolidation {
  const ordered = [...leaves].sort(compareByPosition);
  if (ordered.some((leaf) => leaf.latestVerdict === 'REJECTED')) {
    return { status: 'unresolved', reason: 'rejected-leaf', leaves: ordered };
  }
  switch (strategy.name) {
    case 'latest':
      return { status: 'resolved', labels: ordered.slice(-1) };
    case 'all-leaves':
      return { status: 'resolved', labels: ordered };
    case 'unresolved':
      return ordered.length > 1
        ? { status: 'unresolved', reason: 'several-leaves', leaves: ordered }
        : { status: 'resolved', labels: ordered };
    case 'majority':
      return majority(strategy.field, ordered);
  }
}

function majority(field: string, ordered: LeafLabel[]): Consolidation {
  const tally = new Map<string, LeafLabel[]>();
  for (const leaf of ordered) {
    const value = fieldOf(leaf.payload, field);
    if (value === undefined) continue;
    const key = canonicalJson(value);
    tally.set(key, [...(tally.get(key) ?? []), leaf]);
  }
  const voters = [...tally.values()].reduce((sum, group) => sum + group.length, 0);
  const ranked = [...tally.entries()].sort(([, a], [, b]) => b.length - a.length);
  if (ranked.length === 0) return { status: 'unresolved', reason: 'no-votes', leaves: ordered };
  if (ranked.length > 1 && ranked[0][1].length === ranked[1][1].length) {
    return { status: 'unresolved', reason: 'tie', leaves: ordered };
  }
  const [value, group] = ranked[0];
  // The most recent leaf carrying the winning value stands for the item, so the manifest names one label.
  const representative = group[group.length - 1];
  return {
    status: 'resolved',
    labels: [representative],
    vote: { field, value, votes: group.length, voters },
  };
}

/** Reads a dotted path (`a.b`) from a decoded payload; undefined when any step is missing. */
export function fieldOf(payload: unknown, path: string): unknown {
  let current = payload;
  for (const step of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, step)) return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

/** Whether a consolidation yields rows for the strategy: the unresolved report lists only the unresolved. */
export function isEmitted(strategy: Strategy, consolidation: Consolidation): boolean {
  return (strategy.name === 'unresolved') === (consolidation.status === 'unresolved');
}
