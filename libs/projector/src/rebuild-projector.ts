import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { EventSerde } from '@strata/contracts';
import { BatchProjector } from './batch-projector';
import { unannouncedDeadLetters } from './dead-letter-publisher';

/**
 * The batch projector of a rebuild, in any of its threads: events decoded through the registry; dead
 * letters recorded in the build but not announced again (strata.dlq announced them when the live
 * projector first met them).
 */
export function rebuildProjector(knex: Knex, registryUrl: string, logger: Logger): BatchProjector {
  return new BatchProjector({
    knex,
    decoder: new EventSerde({ registryUrl, logger }),
    deadLetters: unannouncedDeadLetters,
  });
}
