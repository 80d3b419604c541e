import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createKnex } from '@strata/database';
import { Topics } from '@strata/kafka';
import { connectStrataProducer, newId, type StrataProducer } from '@strata/sdk';
import { startTestStack, type TestStack } from '@strata/testing';
import { applyBatch, createBuildSchema, itemLeaves, lineage } from '@strata/views';
import type { Knex } from 'knex';
import { ensureStrataTopics } from './support/topics';
import { readTopic } from './support/topic-reader';

/**
 * SDK → Kafka → the projector's fold and view tables (libs/projection + libs/views, applied here
 * batch by batch the way the projector does) → the views' own queries.
 */
const logger = pino({ level: process.env.STRATA_TEST_LOG_LEVEL ?? 'silent' });
const schema = 'sdk_views_build';
let stack: TestStack;
let producer: StrataProducer;
let knex: Knex;

beforeAll(async () => {
  stack = await startTestStack({ label: 'sdk_views', logger });
  await ensureStrataTopics(stack.brokers, logger);
  knex = createKnex(stack.databaseUrl, { max: 2 });
  await createBuildSchema(knex, schema);
  producer = await connectStrataProducer({
    brokers: stack.brokers,
    registryUrl: stack.registryUrl,
    logger,
    defaults: {
      namespace: 'vision',
      producer: { name: 'views-test', version: '1' },
      actor: { kind: 'HUMAN', id: 'alice' },
    },
  });
});

afterAll(async () => {
  await producer?.close();
  await knex?.destroy();
  await stack?.stop();
});

/** Folds every record of the topics into the build, one batch per topic, as the projector would. */
async function project(): Promise<void> {
  for (const topic of [Topics.items, Topics.runs]) {
    const records = await readTopic(stack.brokers, stack.registryUrl, topic, logger);
    const events = records.map((record) => ({
      position: {
        topic,
        partition: record.partition,
        offset: Number(record.offset),
        timestamp: record.timestamp,
      },
      event: record.event,
    }));
    const changes = await knex.transaction((trx) => applyBatch(trx, schema, events));
    expect(changes.deadLetters).toEqual([]);
  }
}

describe('SDK events in the projector’s views', () => {
  it('gives the leaves of a corrected, consolidated and partly retracted label history, and the lineage of a pipeline', async () => {
    const itemIds = Array.from({ length: 50 }, () => `img-${newId()}`);
    await Promise.all(
      itemIds.map((itemId) =>
        producer.registerItem({
          itemId,
          uri: `s3://b/${itemId}`,
          contentHash: 'sha256:0',
          mediaType: 'image/jpeg',
          datasets: ['street'],
        }),
      ),
    );
    const [itemId] = itemIds;
    const model = await producer.createLabel({
      itemId,
      task: 'class',
      payload: '{"class":"car"}',
      author: { kind: 'MODEL', id: 'det' },
      confidence: 0.6,
    });
    const human = await producer.createLabel({
      itemId,
      task: 'class',
      payload: '{"class":"truck"}',
      author: { kind: 'HUMAN', id: 'bob' },
    });
    const consolidated = await producer.correctLabel({
      itemId,
      task: 'class',
      payload: '{"class":"truck"}',
      author: { kind: 'HUMAN', id: 'erin' },
      parents: [model.labelId, human.labelId],
    });
    const mistaken = await producer.correctLabel({
      itemId,
      task: 'class',
      payload: '{"class":"bus"}',
      author: { kind: 'HUMAN', id: 'bob' },
      parents: [consolidated.labelId],
    });
    await producer.retractLabel({ itemId, labelId: mistaken.labelId, reason: 'mistake' });
    await producer.reviewLabel({
      itemId,
      labelId: consolidated.labelId,
      verdict: 'APPROVED',
      reviewer: { kind: 'HUMAN', id: 'qa' },
    });

    const run = await producer
      .pipeline<{ itemId: string }>({ job: 'resize', provenance: true })
      .map('resize', (sample) => ({ itemId: `${sample.itemId}/512` }))
      .run(itemIds.map((id) => ({ itemId: id })));

    await project();

    const leaves = await itemLeaves(knex, schema, itemId);
    expect(leaves.map((leaf) => [leaf.labelId, leaf.latestVerdict])).toEqual([
      [consolidated.labelId, 'APPROVED'],
    ]);

    const steps = await knex.withSchema(schema).table('run_steps').where({ run_id: run.runId });
    expect(steps).toHaveLength(2); // the step's summary and its provenance chunk
    const upstream = await lineage(knex, schema, {
      from: { kind: 'ITEM', id: `${itemId}/512`, version: null },
      direction: 'upstream',
      maxDepth: 1,
      maxNodes: 200,
    });
    expect(JSON.stringify(upstream)).toContain(itemId);
  });
});
