import type { Logger } from 'pino';
import { subjectOf } from '../events';
import type { EventType } from '../generated/events';
import type { EventSchema } from '../schemas/event-schemas';
import { EventSerde } from '../serde/event-serde';
import { registryRequest, subjectPath } from './registry-http';

export interface SchemaRegistration {
  subject: string;
  id: number;
  version: number;
}

/** How a working-tree schema relates to what its subject holds. */
export type SchemaCheckStatus = 'registered' | 'compatible' | 'new-subject' | 'incompatible';

export interface SchemaCheck {
  subject: string;
  status: SchemaCheckStatus;
  /** The registered version, when `registered`. */
  version?: number;
  /** Why not, when `incompatible`. */
  messages: string[];
}

/** Registers the schemas as EventSerde does (idempotently, same compatibility level); reports versions. */
export async function registerSchemas(
  registryUrl: string,
  schemas: EventSchema[],
  logger?: Logger,
): Promise<SchemaRegistration[]> {
  const ids = await new EventSerde({ registryUrl, schemas, logger }).start();
  const registrations: SchemaRegistration[] = [];
  for (const { name, schema } of schemas) {
    const subject = subjectOf(name as EventType);
    const { status, body } = await registryRequest<{ version: number }>(
      registryUrl,
      'POST',
      subjectPath(subject),
      {
        schema: JSON.stringify(schema),
      },
    );
    if (status !== 200) throw new Error(`${subject}: lookup after registering failed: ${body.message}`);
    registrations.push({ subject, id: ids.get(name as EventType)!, version: body.version });
  }
  return registrations;
}

/**
 * Asks the registry whether each schema could be registered now, under each subject's own level,
 * without registering anything: what a producer team's CI runs before releasing.
 */
export async function checkSchemas(registryUrl: string, schemas: EventSchema[]): Promise<SchemaCheck[]> {
  const checks: SchemaCheck[] = [];
  for (const { name, schema } of schemas) {
    const subject = subjectOf(name as EventType);
    const request = { schema: JSON.stringify(schema) };
    const found = await registryRequest<{ version: number }>(
      registryUrl,
      'POST',
      subjectPath(subject),
      request,
    );
    if (found.status === 200) {
      checks.push({ subject, status: 'registered', version: found.body.version, messages: [] });
      continue;
    }
    if (found.body.error_code === 40401) {
      checks.push({ subject, status: 'new-subject', messages: [] });
      continue;
    }
    const verdict = await registryRequest<{ is_compatible: boolean; messages?: string[] }>(
      registryUrl,
      'POST',
      `/compatibility${subjectPath(subject)}/versions?verbose=true`,
      request,
    );
    if (verdict.status !== 200) {
      throw new Error(`${subject}: compatibility check failed (${verdict.status}): ${verdict.body.message}`);
    }
    checks.push({
      subject,
      status: verdict.body.is_compatible ? 'compatible' : 'incompatible',
      messages: verdict.body.messages ?? [],
    });
  }
  return checks;
}
