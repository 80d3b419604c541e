import type { Knex } from 'knex';
// The one definition of "visible as of" and of time conversion: imported, not re-written.
import { asOfBindings, epochMillis, visibleAsOf, type LeafView } from '@strata/views';
import { visibleNamespaces, type ReadScope } from '../domain/read-scope';
import { decodePayload, type AuthorKind, type LeafLabel, type LogPosition } from '../domain/labels';

/** Helpers shared by the repositories: as-of bindings, SQL fragments, and views rows → domain. */
export { epochMillis, visibleAsOf };

/**
 * Runs a statement with named bindings plus the read's as-of and namespace bindings; every value is a
 * bound parameter.
 */
export async function queryRows<Row>(
  knex: Knex,
  statement: string,
  scope: ReadScope,
  bindings: Record<string, unknown> = {},
): Promise<Row[]> {
  const { rows } = (await knex.raw(statement, {
    ...asOfBindings(scope.asOf),
    visibleNamespaces: visibleNamespaces(scope.visibility),
    ...bindings,
  })) as { rows: Row[] };
  return rows;
}

/** SQL predicate: the row aliased `alias` belongs to a namespace the read may see (bound by queryRows). */
export function inVisibleNamespace(alias: string): string {
  return `(:visibleNamespaces::text[] IS NULL OR ${alias}.namespace = ANY(:visibleNamespaces::text[]))`;
}

export const isoTime = (millis: number | string): string => new Date(Number(millis)).toISOString();

export function positionOf(row: {
  eventTime: number;
  partition: number;
  offset: number | string;
}): LogPosition {
  return { partition: row.partition, offset: Number(row.offset), eventTime: isoTime(row.eventTime) };
}

export function leafFromView(view: LeafView): LeafLabel {
  return {
    labelId: view.labelId,
    itemId: view.itemId,
    task: view.task,
    payload: decodePayload(view.payload),
    author: { kind: view.authorKind as AuthorKind, id: view.authorId },
    confidence: view.confidence,
    latestVerdict: view.latestVerdict,
    position: positionOf(view),
  };
}
