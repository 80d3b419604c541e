import type { StrataEvent } from '@strata/contracts';
import type { FieldIssue } from '@strata/sdk';
import type { EventIssue } from '../common/http-errors';
import type { IndexedEvent } from './ingest.service';

export const EVENT_CHECKS = Symbol('EventChecks');

/** The event model's checks, injected so this logic stays pure. */
export interface EventChecks {
  knownTypes: readonly string[];
  /**
   * Checks a JSON value against the Avro record of `type` (field names, types, enums, unions) and
   * returns it with the schema's defaults filled in for absent optional fields.
   */
  shape(type: string, event: unknown): { value: unknown; issues: FieldIssue[] };
  /** The event model's semantic rules (uuids, non-empty parents, …). */
  semanticIssues(event: StrataEvent): FieldIssue[];
}

export interface CheckedBatch {
  valid: IndexedEvent[];
  issues: EventIssue[];
}

/**
 * Checks a request body that should be a JSON array of `{ type, event }`: structure, then the Avro
 * shape, then the semantic rules, collecting every issue with its event index and field.
 */
export function checkEventBatch(body: unknown, checks: EventChecks, maxEvents: number): CheckedBatch {
  if (!Array.isArray(body)) {
    return {
      valid: [],
      issues: [{ index: -1, field: '(body)', message: 'must be a JSON array of { type, event } objects' }],
    };
  }
  if (body.length === 0) {
    return { valid: [], issues: [{ index: -1, field: '(body)', message: 'holds no events' }] };
  }
  if (body.length > maxEvents) {
    return {
      valid: [],
      issues: [
        {
          index: -1,
          field: '(body)',
          message: `holds ${body.length} events, more than the ${maxEvents} allowed per request`,
        },
      ],
    };
  }
  const valid: IndexedEvent[] = [];
  const issues: EventIssue[] = [];
  body.forEach((entry, index) => {
    const checked = checkEntry(entry, checks);
    if ('event' in checked) valid.push({ index, event: checked.event });
    else issues.push(...checked.issues.map((issue) => ({ index, ...issue })));
  });
  return { valid, issues };
}

function checkEntry(entry: unknown, checks: EventChecks): { event: StrataEvent } | { issues: FieldIssue[] } {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    return { issues: [{ field: '(event)', message: 'must be an object { type, event }' }] };
  }
  const { type, event } = entry as { type?: unknown; event?: unknown };
  if (typeof type !== 'string') {
    return { issues: [{ field: 'type', message: 'is required: the event type name' }] };
  }
  if (!checks.knownTypes.includes(type)) {
    return {
      issues: [
        { field: 'type', message: `unknown event type "${type}" (known: ${checks.knownTypes.join(', ')})` },
      ],
    };
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    return { issues: [{ field: 'event', message: `is required: the ${type} record` }] };
  }
  const shaped = checks.shape(type, event);
  const inEvent = (issue: FieldIssue) => ({ ...issue, field: `event.${issue.field}` });
  if (shaped.issues.length > 0) return { issues: shaped.issues.map(inEvent) };
  const typed = { type, event: shaped.value } as StrataEvent;
  const semantic = checks.semanticIssues(typed);
  return semantic.length > 0 ? { issues: semantic.map(inEvent) } : { event: typed };
}
