import { EventSerde } from '@strata/contracts';
import type { Logger } from 'pino';
import type { EventEncoder } from './event-codec';

/**
 * The schema-registry-backed encoder: Confluent wire format, TopicRecordNameStrategy subjects, schemas
 * registered on first use. (EventSerde already has exactly the {@link EventEncoder} shape.)
 */
export function createRegistryEncoder(registryUrl: string, logger?: Logger): EventEncoder {
  return new EventSerde({ registryUrl, logger });
}
