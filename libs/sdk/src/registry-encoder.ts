import { EventSerde } from '@strata/contracts';
import { Type } from 'avsc';
import type { Logger } from 'pino';
import type { EventEncoder } from './event-codec';

/**
 * avsc encodes into one shared scratch buffer of 1 KiB and, when a value does not fit, encodes it a
 * second time into an exactly sized buffer. Provenance chunks are tens of KiB, so that doubled the
 * Avro cost of every one of them; a scratch buffer that holds them makes it one pass. (The size is
 * process-wide in avsc; growing it only costs this much memory once.)
 */
const avroScratchBytes = 256 * 1024;
let avroScratchGrown = false;

function growAvroScratch(): void {
  if (avroScratchGrown) return;
  (Type as unknown as { __reset(size: number): void }).__reset(avroScratchBytes);
  avroScratchGrown = true;
}

/**
 * The schema-registry-backed encoder: Confluent wire format, TopicRecordNameStrategy subjects, schemas
 * registered on first use. (EventSerde already has exactly the {@link EventEncoder} shape.)
 */
export function createRegistryEncoder(registryUrl: string, logger?: Logger): EventEncoder {
  growAvroScratch();
  return new EventSerde({ registryUrl, logger });
}
