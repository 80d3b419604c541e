import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createKnex } from '@strata/database';
import { prometheusSample } from '@strata/testing';
import { checksumBuild, CheckpointConflictError, createBuildSchema, loadCheckpoints } from '@strata/views';
import { EventSerde } from '@strata/contracts';
import { Topics } from '@strata/kafka';
import {
  BatchProjector,
  listBuilds,
  ProjectionConsumer,
  projectedTopics,
  viewsProjection,
  unannouncedDeadLetters,
  type PartitionRecords,
  type ProjectedBatch,
} from '@strata/projector';
import { startProjector } from '../../apps/projector/src/start';
import {
  liveSchema,
  logEnds,
  mixedHistory,
  publish,
  referenceChecksum,
  rowCounts,
  silentLogger,
  startProjectorTestStack,
  waitForCheckpoints,
  type ProjectorTestStack,
} from './support';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function stackWith(label: string): Promise<ProjectorTestStack> {
  const env = await startProjectorTestStack(label);
  cleanups.push(() => env.stop());
  return env;
}

const optionsOf = (env: ProjectorTestStack, group: string) => ({
  brokers: env.stack.brokers,
  registryUrl: env.stack.registryUrl,
  knex: env.knex,
  logger: silentLogger,
  groupId: env.stack.uniqueName(group),
  // Small batches: many transactions, so stops land between and inside them.
  fetch: { maxBytesPerPartition: 16 * 1024 },
});

async function projectedSoFar(env: ProjectorTestStack, schema: string): Promise<number> {
  const checkpoints = await loadCheckpoints(env.knex, schema, viewsProjection);
  return checkpoints.reduce((sum, checkpoint) => sum + checkpoint.nextOffset, 0);
}

describe('exactly once', () => {
  it('stopping and restarting the projector mid-stream gives the same views as applying the events in one go', async () => {
    const env = await stackWith('restart');
    const events = await publish(env.stack, mixedHistory(3000));
    const ends = await logEnds(env.kafka);
    const total = ends.reduce((sum, end) => sum + end.nextOffset, 0);

    let restarts = 0;
    let projected = 0;
    while (projected < total) {
      const projector = await startProjector(optionsOf(env, 'restart'));
      const schema = await liveSchema(env.knex);
      const before = projected;
      while (projected === before) {
        await sleep(20);
        projected = await projectedSoFar(env, schema);
      }
      await projector.stop();
      projected = await projectedSoFar(env, schema);
      restarts++;
      if (restarts === 4) break;
    }
    expect(projected).toBeLessThan(total); // the stops did land mid-stream

    const projector = await startProjector(optionsOf(env, 'restart'));
    try {
      const schema = await liveSchema(env.knex);
      await waitForCheckpoints(env.knex, () => schema, ends);
      const reference = await referenceChecksum(env.knex, 'reference', events);
      expect(await checksumBuild(env.knex, schema)).toBe(reference);
      expect(await rowCounts(env.knex, schema)).toEqual(await rowCounts(env.knex, 'reference'));
    } finally {
      await projector.stop();
    }
  });

  it('retries batches through PostgreSQL connection losses (57P01) without skipping or repeating one', async () => {
    const env = await stackWith('pg-outage');
    const events = await publish(env.stack, mixedHistory(1200));
    const ends = await logEnds(env.kafka);
    // The projector's own pool, so terminating its connections leaves the test's alone.
    const projectorUrl = new URL(env.stack.databaseUrl);
    projectorUrl.searchParams.set('application_name', 'projector-under-test');
    const projectorKnex = createKnex(projectorUrl.toString());
    cleanups.push(() => projectorKnex.destroy());
    const projector = await startProjector({ ...optionsOf(env, 'outage'), knex: projectorKnex });
    cleanups.push(() => projector.stop());
    const schema = await liveSchema(env.knex);
    const total = ends.reduce((sum, end) => sum + end.nextOffset, 0);
    let terminated = 0;
    while ((await projectedSoFar(env, schema)) < total && terminated < 20) {
      const { rows } = await env.knex.raw(
        `SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = 'projector-under-test'`,
      );
      terminated += Number(rows[0].n);
      await sleep(50);
    }
    expect(terminated).toBeGreaterThan(0);
    await waitForCheckpoints(env.knex, () => schema, ends);
    expect(await checksumBuild(env.knex, schema)).toBe(
      await referenceChecksum(env.knex, 'reference', events),
    );
  });

  it('after another writer moves a checkpoint, rolls its batch back and continues from that checkpoint', async () => {
    const env = await stackWith('conflict');
    const events = await publish(env.stack, mixedHistory(300));
    await createBuildSchema(env.knex, 'contested');
    const conflicts: CheckpointConflictError[] = [];

    /** Before its first batch of strata.items, another writer projects that batch's first 10 records and commits. */
    class OvertakenProjector extends BatchProjector {
      private overtaken = false;
      override async project(schemaName: string, batch: PartitionRecords): Promise<ProjectedBatch> {
        if (!this.overtaken && batch.topic === Topics.items && batch.records.length > 10) {
          this.overtaken = true;
          await super.project(schemaName, { ...batch, records: batch.records.slice(0, 10) });
        }
        return super.project(schemaName, batch).catch((error: unknown) => {
          if (error instanceof CheckpointConflictError) conflicts.push(error);
          throw error;
        });
      }
    }
    const consumer = new ProjectionConsumer({
      kafka: env.kafka,
      knex: env.knex,
      logger: silentLogger,
      groupId: env.stack.uniqueName('contested'),
      topics: projectedTopics,
      schemaName: 'contested',
      projector: new OvertakenProjector({
        knex: env.knex,
        decoder: new EventSerde({ registryUrl: env.stack.registryUrl }),
        deadLetters: unannouncedDeadLetters,
      }),
    });
    cleanups.push(() => consumer.stop());
    await consumer.start();
    await waitForCheckpoints(env.knex, () => 'contested', await logEnds(env.kafka));

    expect(conflicts).toHaveLength(1);
    expect(await checksumBuild(env.knex, 'contested')).toBe(
      await referenceChecksum(env.knex, 'reference', events),
    );
    expect(await rowCounts(env.knex, 'contested')).toEqual(await rowCounts(env.knex, 'reference'));
  });

  it('waits out a schema registry outage instead of dead-lettering the events it cannot decode yet', async () => {
    const env = await stackWith('registry-outage');
    const events = await publish(env.stack, mixedHistory(200));
    await createBuildSchema(env.knex, 'outage');
    const serde = new EventSerde({ registryUrl: env.stack.registryUrl });
    let refusals = 0;
    const flakyRegistry = {
      decode: (bytes: Buffer) => {
        if (refusals < 3) {
          refusals++;
          return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
        }
        return serde.decode(bytes);
      },
    };
    const consumer = new ProjectionConsumer({
      kafka: env.kafka,
      knex: env.knex,
      logger: silentLogger,
      groupId: env.stack.uniqueName('outage'),
      topics: projectedTopics,
      schemaName: 'outage',
      projector: new BatchProjector({
        knex: env.knex,
        decoder: flakyRegistry,
        deadLetters: unannouncedDeadLetters,
      }),
    });
    cleanups.push(() => consumer.stop());
    await consumer.start();
    await waitForCheckpoints(env.knex, () => 'outage', await logEnds(env.kafka));

    expect(refusals).toBe(3);
    expect((await rowCounts(env.knex, 'outage')).dead_letters).toBe(0);
    expect(await checksumBuild(env.knex, 'outage')).toBe(
      await referenceChecksum(env.knex, 'reference', events),
    );
  });

  it('two projector instances started together on a fresh database share one live build, split the partitions and build what one would', async () => {
    const env = await startProjectorTestStack('group', false);
    cleanups.push(() => env.stop());
    const running = await Promise.all(
      [0, 1].map(() => startProjector({ ...optionsOf(env, 'shared'), metricsPort: 0, host: '127.0.0.1' })),
    );
    cleanups.push(async () => {
      for (const projector of running) await projector.stop();
    });
    expect(await listBuilds(env.knex)).toHaveLength(1);
    await waitForStableGroup(env, env.stack.uniqueName('shared'), 2);

    const events = await publish(env.stack, mixedHistory(600));
    const schema = await liveSchema(env.knex);
    await waitForCheckpoints(env.knex, () => schema, await logEnds(env.kafka));

    const projectedBy = await Promise.all(
      running.map(async (projector) => {
        const metrics = await (await fetch(`${projector.metricsUrl}/metrics`)).text();
        return prometheusSample(metrics, 'strata_events_projected_total') ?? 0;
      }),
    );
    expect(projectedBy.every((count) => count > 0)).toBe(true);
    expect(projectedBy[0] + projectedBy[1]).toBe(events.length);
    expect(await checksumBuild(env.knex, schema)).toBe(
      await referenceChecksum(env.knex, 'reference', events),
    );
  });
});

async function waitForStableGroup(env: ProjectorTestStack, groupId: string, members: number): Promise<void> {
  const admin = env.kafka.admin();
  await admin.connect();
  try {
    for (let attempt = 0; attempt < 300; attempt++) {
      const { groups } = await admin.describeGroups([groupId]);
      if (groups[0]?.state === 'Stable' && groups[0].members.length === members) return;
      await sleep(100);
    }
    throw new Error(`group ${groupId} did not settle with ${members} members`);
  } finally {
    await admin.disconnect();
  }
}
