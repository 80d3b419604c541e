import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topics } from '@strata/kafka';
import { HistoryBuilder } from '@strata/projection';
import { CheckpointPastLogEndError, viewsProjection } from '@strata/projector';
import { freePort, runCli } from '@strata/testing';
import { loadCheckpoints } from '@strata/views';
import { startProjector } from '../../apps/projector/src/start';
import {
  liveSchema,
  logEnds,
  projectorOptionsOn,
  mixedHistory,
  publish,
  rowCounts,
  startProjectorTestStack,
  waitForCheckpoints,
  type ProjectorTestStack,
} from './support';

let env: ProjectorTestStack;

beforeAll(async () => {
  env = await startProjectorTestStack('past_log_end');
});
afterAll(async () => env?.stop());

const projectorOptions = () => projectorOptionsOn(env);

/** The broker's data lost, the database kept: every event topic deleted and created again, empty. */
async function wipeEventTopics(): Promise<void> {
  const topics = [
    { topic: Topics.items, numPartitions: 3 },
    { topic: Topics.runs, numPartitions: 2 },
    { topic: Topics.snapshots, numPartitions: 1 },
  ];
  const admin = env.kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: topics.map(({ topic }) => topic) });
    await admin.createTopics({ waitForLeaders: true, topics });
  } finally {
    await admin.disconnect();
  }
}

const storedCheckpoints = async (schema: string) =>
  (await loadCheckpoints(env.knex, schema, viewsProjection)).map(
    (c) => `${c.topic}:${c.partition}@${c.nextOffset}`,
  );

describe('a live build whose checkpoints are past the end of the log', () => {
  it('is refused, naming partitions and offsets, instead of skipping the new events', async () => {
    await publish(env.stack, mixedHistory(40));
    const ends = await logEnds(env.kafka);
    let projector = await startProjector(projectorOptions());
    const schema = await liveSchema(env.knex);
    try {
      await waitForCheckpoints(env.knex, () => schema, ends);
    } finally {
      await projector.stop();
    }
    const checkpointsBefore = await storedCheckpoints(schema);
    const rowsBefore = await rowCounts(env.knex, schema);

    await wipeEventTopics();
    // Fewer events than before in every partition: their offsets are all below the checkpoints.
    await publish(
      env.stack,
      new HistoryBuilder()
        .inNamespace('test')
        .registerItem('after-wipe')
        .events.map(({ event }) => event),
    );
    const newEnds = await logEnds(env.kafka);

    projector = await startProjector(projectorOptions());
    try {
      const failure = await projector.failed;
      expect(failure).toBeInstanceOf(CheckpointPastLogEndError);
      const { partitions } = failure as CheckpointPastLogEndError;
      const stored = new Map(checkpointsBefore.map((c) => c.split('@') as [string, string]));
      for (const { topic, partition, checkpoint, logEnd } of partitions) {
        expect(checkpoint).toBe(Number(stored.get(`${topic}:${partition}`)));
        expect(logEnd).toBe(newEnds.find((e) => e.topic === topic && e.partition === partition)!.nextOffset);
        expect(failure.message).toContain(
          `${topic}:${partition} checkpoint ${checkpoint} > log end ${logEnd}`,
        );
      }
      // All of them when found on assignment, the first fetched when found by a batch.
      expect(partitions.length).toBeGreaterThan(0);
    } finally {
      await projector.stop();
    }
    // Nothing projected, nothing moved.
    expect(await storedCheckpoints(schema)).toEqual(checkpointsBefore);
    expect(await rowCounts(env.knex, schema)).toEqual(rowsBefore);

    // `strata projector` does not run on without its projection: it exits 1, saying why.
    const cli = await runCli(
      ['projector', '--group', env.stack.uniqueName('cli'), '--metrics-port', String(await freePort())],
      {
        STRATA_KAFKA_BROKERS: env.stack.brokers.join(','),
        STRATA_SCHEMA_REGISTRY_URL: env.stack.registryUrl,
        DATABASE_URL: env.stack.databaseUrl,
      },
    );
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('past the end of the log');
    expect(await storedCheckpoints(schema)).toEqual(checkpointsBefore);
  });
});
