import { validateEvent, type StrataEvent } from '@strata/contracts';
import { ValidationError } from './errors';

/** Turns a typed event into Confluent-framed Avro bytes with its topic and key (registry-backed). */
export interface EventEncoder {
  encode(event: StrataEvent): Promise<{ topic: string; key: string; value: Buffer }>;
}

/** Throws a {@link ValidationError} naming every offending field, before anything is encoded or sent. */
export function assertValid(event: StrataEvent): void {
  const issues = validateEvent(event);
  if (issues.length > 0) throw new ValidationError(event.type, issues);
}
