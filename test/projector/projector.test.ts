import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventSerde, packItemRefs, type StrataEvent } from '@strata/contracts';
import { Topics } from '@strata/kafka';
import { HistoryBuilder } from '@strata/projection';
import { prometheusSample } from '@strata/testing';
import { BatchProjector, rebuild, unannouncedDeadLetters } from '@strata/projector';
import { checksumBuild, itemLeaves } from '@strata/views';
import { sampleGroupsMigration } from '../../libs/views/src/migrations/0003_sample_groups';
import { startProjector } from '../../apps/projector/src/start';
import {
  liveSchema,
  logEnds,
  projectorOptionsOn,
  publish,
  referenceChecksum,
  silentLogger,
  startProjectorTestStack,
  waitForCheckpoints,
  type ProjectorTestStack,
} from './support';

let env: ProjectorTestStack;

beforeAll(async () => {
  env = await startProjectorTestStack('projector');
});
afterAll(async () => env?.stop());

const projectorOptions = () => projectorOptionsOn(env);

async function readDeadLetterTopic(
  expected: number,
): Promise<{ key: string; value: Record<string, unknown> }[]> {
  const consumer = env.kafka.consumer({ groupId: env.stack.uniqueName(`dlq-reader-${randomUUID()}`) });
  const seen: { key: string; value: Record<string, unknown> }[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: Topics.deadLetters, fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({ key: message.key!.toString(), value: JSON.parse(message.value!.toString()) });
        if (seen.length >= expected) resolve();
      },
    });
  });
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 20_000))]);
  await consumer.disconnect();
  return seen;
}

describe('projector end to end', () => {
  it('rebuilds an empty log into an empty, complete build', async () => {
    const result = await rebuild({
      kafka: env.kafka,
      knex: env.knex,
      logger: silentLogger,
      name: 'empty',
      target: { kind: 'latest' },
      projector: new BatchProjector({
        knex: env.knex,
        decoder: new EventSerde({ registryUrl: env.stack.registryUrl }),
        deadLetters: unannouncedDeadLetters,
      }),
    });
    expect(result.records).toBe(0);
    expect(result.build).toMatchObject({ name: 'empty', status: 'complete', live: false });
    expect(result.endOffsets.every((end) => end.nextOffset === 0)).toBe(true);
    expect(await checksumBuild(env.knex, result.build.schemaName)).toBe(
      await referenceChecksum(env.knex, 'empty_reference', []),
    );
  });

  it('projects published events into the live views, dead-letters each invalid case and applies the rest of its batch', async () => {
    const [a, b, z, orphan, stray, loop, fixed, last] = Array.from({ length: 8 }, () => randomUUID());
    const history = new HistoryBuilder()
      .registerItem('item-i')
      .registerItem('item-j')
      .createLabel('item-i', a)
      .createLabel('item-j', z)
      .correctLabel('item-i', b, [a]);
    const firstPart = history.events.length;
    history
      .correctLabel('item-i', orphan, [randomUUID()]) // unknown_parent
      .correctLabel('item-i', stray, [z]) // parent_of_other_item
      .correctLabel('item-i', a, [b]) // cycle: a is an ancestor of b
      .correctLabel('item-i', loop, [b])
      .reviewLabel('item-i', loop, 'APPROVED')
      .correctLabel('item-i', fixed, [loop])
      .createLabel('item-i', last); // published after the undecodable bytes
    const events: StrataEvent[] = history.events.map((positioned) => positioned.event);

    // First the labels the invalid corrections refer to, projected by a first projector run.
    await publish(env.stack, events.slice(0, firstPart));
    let projector = await startProjector(projectorOptions());
    await waitForCheckpoints(env.knex, () => liveSchema(env.knex), await logEnds(env.kafka));
    await projector.stop();

    // Then, while no projector runs, the invalid events among valid ones and undecodable bytes on
    // the same partition, so the restarted projector fetches them in one batch.
    const positioned = await publish(env.stack, events.slice(firstPart, -1));
    const partition = positioned[0].position.partition;
    const producer = env.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: Topics.items,
      messages: [
        { key: 'item-i', value: Buffer.from('not avro at all'), partition },
        { key: 'item-i', value: Buffer.from([0, 0, 1, 0x86, 0xa0, 2, 4]), partition }, // schema id 100000
      ],
    });
    await producer.disconnect();
    await publish(env.stack, events.slice(-1));

    projector = await startProjector({ ...projectorOptions(), metricsPort: 0, host: '127.0.0.1' });
    try {
      const schema = await liveSchema(env.knex);
      await waitForCheckpoints(env.knex, () => schema, await logEnds(env.kafka));

      const { rows: letters } = await env.knex.raw(
        `SELECT log_partition, log_offset, reason, event_id, raw FROM "${schema}".dead_letters ORDER BY log_offset`,
      );
      expect(letters.map((row: { reason: string }) => row.reason)).toEqual([
        'unknown_parent',
        'parent_of_other_item',
        'cycle',
        'undecodable',
        'undecodable',
      ]);
      expect(letters.every((row: { log_partition: number }) => row.log_partition === partition)).toBe(true);
      expect(letters[3].raw.toString()).toBe('not avro at all');

      // The rest of the batch: the valid correction chain and the label after the bad bytes.
      const leaves = (await itemLeaves(env.knex, schema, 'item-i')).map((leaf) => leaf.labelId);
      expect(leaves.sort()).toEqual([fixed, last].sort());
      expect((await itemLeaves(env.knex, schema, 'item-j')).map((leaf) => leaf.labelId)).toEqual([z]);

      const published = await readDeadLetterTopic(5);
      const byReason = published.map((message) => message.value.reason);
      expect(byReason).toEqual(
        expect.arrayContaining(['unknown_parent', 'parent_of_other_item', 'cycle', 'undecodable']),
      );
      const undecodable = published.find((message) => message.value.reason === 'undecodable')!;
      expect(undecodable.key).toBe(`${Topics.items}:${partition}:${letters[3].log_offset}`);
      expect(Buffer.from(undecodable.value.raw as string, 'base64').toString()).toBe('not avro at all');
      expect(published.find((message) => message.value.reason === 'cycle')!.value).toMatchObject({
        eventId: letters[2].event_id,
        type: 'LabelCorrected',
        original: { topic: Topics.items, partition },
      });

      const metrics = await (await fetch(`${projector.metricsUrl}/metrics`)).text();
      expect(prometheusSample(metrics, 'strata_dead_letters_total', { reason: 'undecodable' })).toBe(2);
      expect(prometheusSample(metrics, 'strata_events_projected_total', { topic: Topics.items })).toBe(4);
      expect(prometheusSample(metrics, 'strata_consumer_lag', { topic: Topics.items })).toBe(0);
      const ready = await fetch(`${projector.metricsUrl}/health/ready`);
      expect(ready.status).toBe(200);
    } finally {
      await projector.stop();
    }
  });

  it('brings a live build made by an earlier version up to date on start, then writes sample groups to it', async () => {
    const schema = await liveSchema(env.knex);
    // The live build as the version before sample groups left it: without migration 0003.
    await sampleGroupsMigration(schema).down(env.knex);
    await env.knex.withSchema(schema).table('knex_migrations').where({ name: '0003_sample_groups' }).delete();

    const runId = randomUUID();
    const stepId = randomUUID();
    const history = new HistoryBuilder()
      .startRun(runId)
      .applyStep(runId, stepId, [], [], packItemRefs(['a', 'b'], ['a1', 'b1', 'b2'], [1, 1, 1, 1, 2, 1]));
    // Fresh event ids: the builder numbers its events, as the history published above did.
    const events = history.events.map(({ event }) => ({
      ...event,
      event: { ...event.event, envelope: { ...event.event.envelope, eventId: randomUUID() } },
    })) as StrataEvent[];
    await publish(env.stack, events);
    const projector = await startProjector(projectorOptions());
    try {
      await waitForCheckpoints(env.knex, () => liveSchema(env.knex), await logEnds(env.kafka));
      const migrations = await env.knex.withSchema(schema).table('knex_migrations').pluck('name');
      expect(migrations).toContain('0003_sample_groups');
      const edges = await env.knex
        .withSchema(schema)
        .table('lineage_edges')
        .where({ step_id: stepId })
        .orderBy(['direction', 'ordinal'])
        .select('direction', 'sample_groups');
      expect(edges.map((edge) => [edge.direction, edge.sample_groups])).toEqual([
        ['INPUT', [0]],
        ['INPUT', [1]],
        ['OUTPUT', [0]],
        ['OUTPUT', [1]],
        ['OUTPUT', [1]],
      ]);
    } finally {
      await projector.stop();
    }
  });
});
