import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createKnex } from '@strata/database';
import { publishDemo } from '@strata/demo';
import { Topics } from '@strata/kafka';
import { connectStrataProducer, type StrataProducer } from '@strata/sdk';
import { startTestStack, type TestStack } from '@strata/testing';
import { applyBatch, createBuildSchema, itemLeaves } from '@strata/views';
import type { Knex } from 'knex';
import { ensureStrataTopics } from './support/topics';
import { readTopic } from './support/topic-reader';

const logger = pino({ level: process.env.STRATA_TEST_LOG_LEVEL ?? 'silent' });
const schema = 'demo_build';
let stack: TestStack;
let producer: StrataProducer;
let knex: Knex;

beforeAll(async () => {
  stack = await startTestStack({ label: 'sdk_demo', logger });
  await ensureStrataTopics(stack.brokers, logger);
  knex = createKnex(stack.databaseUrl, { max: 2 });
  await createBuildSchema(knex, schema);
  producer = await connectStrataProducer({
    brokers: stack.brokers,
    registryUrl: stack.registryUrl,
    logger,
    defaults: {
      namespace: 'demo',
      producer: { name: 'strata-demo', version: '1' },
      actor: { kind: 'SERVICE', id: 'strata-demo' },
    },
  });
});

afterAll(async () => {
  await producer?.close();
  await knex?.destroy();
  await stack?.stop();
});

describe('the demo history', () => {
  it('is accepted by the projection without a dead letter, with its runs and its highlighted items', async () => {
    const summary = await publishDemo(producer, { items: 400, seed: 7, namespace: 'demo' });
    expect(summary.eventsByType.registerItem).toBe(400);

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

    const runs = await knex.withSchema(schema).table('runs').select('*');
    expect(runs).toHaveLength(2);
    const completions: { status: string }[] = await knex
      .withSchema(schema)
      .table('run_completions')
      .select('status');
    expect(completions.map((row) => row.status).sort()).toEqual(['COMPLETED', 'FAILED']);
    const consolidated = summary.highlights.consolidated;
    expect(consolidated).toBeDefined();
    expect(await itemLeaves(knex, schema, consolidated!)).toHaveLength(1);
  });
});
