import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import type { Knex } from 'knex';
import pino from 'pino';
import type { StrataEvent } from '@strata/contracts';
import { createKnex, migrateLatest } from '@strata/database';
import { createKafka, Topics } from '@strata/kafka';
import { HistoryBuilder, type PositionedEvent } from '@strata/projection';
import { liveBuild, partitionEnds, projectedTopics, viewsProjection } from '@strata/projector';
import { connectStrataProducer } from '@strata/sdk';
import { startTestStack, type TestStack } from '@strata/testing';
import {
  applyBatch,
  checksumBuild,
  createBuildSchema,
  loadCheckpoints,
  viewTables,
  type Checkpoint,
} from '@strata/views';

export const silentLogger = pino({ level: process.env.STRATA_TEST_LOG_LEVEL ?? 'silent' });

export interface ProjectorTestStack {
  stack: TestStack;
  knex: Knex;
  kafka: Kafka;
  stop(): Promise<void>;
}

/**
 * A stack with the event topics created (items 3 partitions, runs 2, snapshots 1, dlq 1) and, unless
 * `migrated` is false, the control tables.
 */
export async function startProjectorTestStack(label: string, migrated = true): Promise<ProjectorTestStack> {
  const stack = await startTestStack({ label });
  const knex = createKnex(stack.databaseUrl);
  if (migrated) await migrateLatest(knex);
  const kafka = createKafka({ brokers: stack.brokers, clientId: 'projector-test', logger: silentLogger });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: Topics.items, numPartitions: 3 },
      { topic: Topics.runs, numPartitions: 2 },
      { topic: Topics.snapshots, numPartitions: 1 },
      { topic: Topics.deadLetters, numPartitions: 1 },
    ],
  });
  await admin.disconnect();
  return {
    stack,
    knex,
    kafka,
    stop: async () => {
      await knex.destroy();
      await stack.stop();
    },
  };
}

/** startProjector's options on this stack, in a consumer group of its own. */
export const projectorOptionsOn = (env: ProjectorTestStack) => ({
  brokers: env.stack.brokers,
  registryUrl: env.stack.registryUrl,
  knex: env.knex,
  logger: silentLogger,
  groupId: env.stack.uniqueName('projector'),
});

/**
 * Publishes events through the SDK (acks=all) and returns them at the positions the broker gave them.
 * The record timestamps are not known here (0): only dead letters carry them, so a reference built
 * from these positions is exact for histories without dead letters.
 */
export async function publish(stack: TestStack, events: readonly StrataEvent[]): Promise<PositionedEvent[]> {
  const producer = await connectStrataProducer({
    brokers: stack.brokers,
    registryUrl: stack.registryUrl,
    logger: silentLogger,
    defaults: {
      namespace: 'test',
      producer: { name: 'projector-test', version: '1' },
      actor: { kind: 'SERVICE', id: 'projector-test' },
    },
    batching: { maxBatchEvents: 2000, maxQueuedEvents: 20_000 },
  });
  try {
    const acks = await Promise.all(events.map((event) => producer.send(event)));
    return acks.map((ack, index) => ({
      position: { topic: ack.topic, partition: ack.partition, offset: Number(ack.offset), timestamp: 0 },
      event: events[index],
    }));
  } finally {
    await producer.close();
  }
}

/** The end of every projected partition now. */
export async function logEnds(kafka: Kafka): Promise<Checkpoint[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return (await partitionEnds(admin, projectedTopics)).map(({ topic, partition, high }) => ({
      topic,
      partition,
      nextOffset: high,
    }));
  } finally {
    await admin.disconnect();
  }
}

/** Waits until a build's checkpoints reach `ends` (partitions at 0 need no checkpoint). */
export async function waitForCheckpoints(
  knex: Knex,
  schema: () => Promise<string> | string,
  ends: readonly Checkpoint[],
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let behind: string[] = [];
  while (Date.now() < deadline) {
    const stored = new Map(
      (await loadCheckpoints(knex, await schema(), viewsProjection)).map((c) => [
        `${c.topic}:${c.partition}`,
        c.nextOffset,
      ]),
    );
    behind = ends
      .filter((end) => (stored.get(`${end.topic}:${end.partition}`) ?? 0) < end.nextOffset)
      .map(
        (end) =>
          `${end.topic}:${end.partition} at ${stored.get(`${end.topic}:${end.partition}`) ?? 0}/${end.nextOffset}`,
      );
    if (behind.length === 0) return;
    await sleep(100);
  }
  throw new Error(`projection did not catch up: ${behind.join(', ')}`);
}

export async function liveSchema(knex: Knex): Promise<string> {
  const build = await liveBuild(knex);
  if (!build) throw new Error('no live build');
  return build.schemaName;
}

/**
 * The reference: the same events applied in one transaction, in log order per partition, into a
 * fresh schema, without Kafka or the projector. Returns its checksum.
 */
export async function referenceChecksum(
  knex: Knex,
  schema: string,
  events: readonly PositionedEvent[],
): Promise<string> {
  await createBuildSchema(knex, schema);
  const inLogOrder = [...events].sort((a, b) =>
    a.position.topic === b.position.topic
      ? a.position.partition - b.position.partition || a.position.offset - b.position.offset
      : a.position.topic < b.position.topic
        ? -1
        : 1,
  );
  await knex.transaction((trx) => applyBatch(trx, schema, inLogOrder));
  return checksumBuild(knex, schema);
}

/** Rows per view table (checkpoints aside): a re-applied event would show up as an extra row. */
export async function rowCounts(knex: Knex, schema: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of viewTables.filter((name) => name !== 'checkpoints')) {
    const { rows } = await knex.raw(`SELECT count(*) AS n FROM "${schema}"."${table}"`);
    counts[table] = Number(rows[0].n);
  }
  return counts;
}

/** A uuid-shaped id from a namespace number and a counter: readable and reproducible. */
export const uuidOf = (space: number, counter: number) =>
  `${space.toString(16).padStart(8, '0')}-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;

/**
 * A valid mixed history of about `5.33 × items + 3 × items / 50` events: per item a registration,
 * two labels consolidated by a correction, a review, and every third item a retraction of the
 * correction; a run with one step per 50 items. Called again with the same builder, it continues
 * the history with new items, labels and runs.
 */
export function mixedHistory(items: number, builder = new HistoryBuilder()): StrataEvent[] {
  const start = builder.events.length;
  // Ids of a later call start past anything an earlier call (≥ 5 events per item) can have used.
  let labels = start * 10;
  const label = () => uuidOf(0x1abe1, ++labels);
  for (let index = 0; index < items; index++) {
    const itemId = `item-${start}-${index}`;
    const [first, second, merged] = [label(), label(), label()];
    builder
      .registerItem(itemId, [index % 2 === 0 ? 'even' : 'odd'])
      .createLabel(itemId, first)
      .createLabel(itemId, second)
      .correctLabel(itemId, merged, [first, second])
      .reviewLabel(itemId, merged, index % 5 === 0 ? 'REJECTED' : 'APPROVED');
    if (index % 3 === 0) builder.retractLabel(itemId, merged);
    if (index % 50 === 49) {
      const runId = uuidOf(0x4a11, start + index);
      const inputs = Array.from({ length: 50 }, (_, offset) => ({
        kind: 'ITEM' as const,
        id: `item-${start}-${index - offset}`,
        version: null,
      }));
      builder
        .startRun(runId)
        .applyStep(runId, uuidOf(0x57e9, start + index), inputs, [
          { kind: 'DATASET', id: `set-${start}-${index}`, version: null },
        ])
        .completeRun(runId);
    }
  }
  return builder.events.slice(start).map((positioned) => positioned.event);
}
