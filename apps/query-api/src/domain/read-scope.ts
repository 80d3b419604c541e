import { allNamespaces } from '@strata/auth';
import type { ViewAsOf } from './as-of';

/**
 * Whose data a read may see: the namespaces of the reader's API key, or every namespace for a key
 * granted `*`. Repositories turn it into a SQL predicate on each row's `namespace` column, so data of
 * another namespace is never fetched, not fetched and dropped.
 */
export type Visibility = { all: true } | { all: false; namespaces: readonly string[] };

/** A read: the point of the log it is answered at, and whose data it may see. */
export interface ReadScope {
  asOf: ViewAsOf;
  visibility: Visibility;
}

export const everyNamespace: Visibility = { all: true };

export function visibilityOf(namespaces: readonly string[]): Visibility {
  return namespaces.includes(allNamespaces) ? everyNamespace : { all: false, namespaces: [...namespaces] };
}

/** The namespace list SQL filters on; null means every namespace. */
export function visibleNamespaces(visibility: Visibility): string[] | null {
  return visibility.all ? null : [...visibility.namespaces];
}

export function canSee(visibility: Visibility, namespace: string): boolean {
  return visibility.all || visibility.namespaces.includes(namespace);
}
