import { randomUUID } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import type { Envelope, StrataEvent } from '@strata/contracts';
import type { Platform } from './platform';

/** The gateway takes events as `{ type, event }`, the Avro record as JSON: a StrataEvent. */
type GatewayEvent = StrataEvent;

function envelope(namespace: string): Envelope {
  return {
    eventId: randomUUID(),
    eventTime: Date.now(),
    namespace,
    producer: { name: 'reliability-test', version: '1' },
    actor: { kind: 'SERVICE', id: 'reliability-test' },
  };
}

export function itemRegistered(namespace: string, itemId: string): GatewayEvent {
  return {
    type: 'ItemRegistered',
    event: {
      envelope: envelope(namespace),
      itemId,
      uri: `s3://reliability/${itemId}.jpg`,
      contentHash: `sha256:${itemId}`,
      mediaType: 'image/jpeg',
      datasets: ['reliability'],
      source: null,
      license: null,
      attributes: {},
    },
  };
}

export function labelCreated(namespace: string, itemId: string): GatewayEvent {
  return {
    type: 'LabelCreated',
    event: {
      envelope: envelope(namespace),
      itemId,
      labelId: randomUUID(),
      task: 'class',
      payload: '{"class":"car"}',
      author: { kind: 'HUMAN', id: 'annotator-1' },
      tool: null,
      confidence: null,
      guidelineVersion: null,
    },
  };
}

/** What a producer was told: the ids the gateway acknowledged, and how many requests it refused. */
export interface Tally {
  acknowledged: Set<string>;
  attempts: number;
  refusals: Map<number, number>;
}

export function newTally(): Tally {
  return { acknowledged: new Set(), attempts: 0, refusals: new Map() };
}

/**
 * Posts a batch as a well-behaved client does: on a refusal or a network error it keeps the same
 * events (same eventIds) for the next try, so a retry can never duplicate what was already written.
 */
export async function postUntilAcknowledged(
  platform: Platform,
  events: GatewayEvent[],
  tally: Tally,
  deadline = Date.now() + 120_000,
): Promise<void> {
  for (;;) {
    tally.attempts += 1;
    let status = 0;
    try {
      const response = await fetch(`${platform.gatewayUrl}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${platform.writeKey}` },
        body: JSON.stringify(events),
      });
      status = response.status;
      await response.arrayBuffer();
    } catch {
      status = 0;
    }
    if (status === 200) {
      for (const event of events) tally.acknowledged.add(event.event.envelope.eventId);
      return;
    }
    tally.refusals.set(status, (tally.refusals.get(status) ?? 0) + 1);
    if (Date.now() > deadline) throw new Error(`gateway kept refusing (last status ${status})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export interface Projected {
  /** Acknowledged events that have a row in the live views. */
  projected: number;
  /** Acknowledged events with no row. */
  lost: number;
  /** Rows beyond one per acknowledged event (event_id is unique, so this checks the constraint held). */
  duplicated: number;
}

/** Where the live build lives, and the rows there that came from the given events. */
async function countProjected(knex: Knex, eventIds: string[]): Promise<Projected> {
  const live = await knex('strata.live_build as live')
    .join('strata.builds as build', 'build.name', 'live.build_name')
    .first<{ schema_name: string } | undefined>('build.schema_name');
  if (!live) return { projected: 0, lost: eventIds.length, duplicated: 0 };
  const { rows } = await knex.raw<{ rows: { rows: string; distinct_ids: string }[] }>(
    `SELECT count(*) AS rows, count(DISTINCT event_id) AS distinct_ids FROM (
       SELECT event_id FROM ??.items UNION ALL SELECT event_id FROM ??.label_nodes
     ) origin WHERE event_id IN (SELECT unnest(?::text[]))`,
    [live.schema_name, live.schema_name, eventIds],
  );
  const projected = Number(rows[0].distinct_ids);
  return { projected, lost: eventIds.length - projected, duplicated: Number(rows[0].rows) - projected };
}

/** Waits until every acknowledged event is projected (or the time is up), then counts. */
export async function awaitProjection(
  platform: Platform,
  tally: Tally,
  timeoutMs = 120_000,
): Promise<Projected> {
  const knex = knexFactory({ client: 'pg', connection: platform.databaseUrl, pool: { min: 0, max: 1 } });
  try {
    const ids = [...tally.acknowledged];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await countProjected(knex, ids).catch(() => undefined);
      if (counts && (counts.lost === 0 || Date.now() > deadline)) return counts;
      if (!counts && Date.now() > deadline) throw new Error('views unreadable until the deadline');
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await knex.destroy();
  }
}
