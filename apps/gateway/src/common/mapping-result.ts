import type { StrataEvent } from '@strata/contracts';
import type { FieldIssue } from '@strata/sdk';
import type { ZodError } from 'zod';

/** The events an external payload stands for, or why it cannot be mapped, field by field. */
export type MappingResult =
  { ok: true; events: StrataEvent[]; ignored?: string } | { ok: false; issues: FieldIssue[] };

export function issuesOf(error: ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

/** Parses an ISO-8601 time to epoch milliseconds, or undefined when it is not one. */
export function epochMillis(iso: string): number | undefined {
  const millis = Date.parse(iso);
  return Number.isNaN(millis) ? undefined : millis;
}
