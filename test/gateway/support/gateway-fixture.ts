import pino from 'pino';
import { ApiKeyStore } from '@strata/auth';
import { loadConfig } from '@strata/config';
import { createKnex, migrateLatest } from '@strata/database';
import { startTestStack, type TestStack } from '@strata/testing';
import type { Knex } from 'knex';
import { startGateway, type GatewayOptions, type RunningGateway } from '../../../apps/gateway/src/start';
import { ensureStrataTopics } from '../../sdk/support/topics';

export const logger = pino({ level: process.env.STRATA_TEST_LOG_LEVEL ?? 'silent' });

/** The JSON answers of the gateway's endpoints, as far as the tests read them. */
export interface GatewayAnswer {
  message: string;
  issues: { index: number; field: string; message: string }[];
  results: {
    index: number;
    status: 'written' | 'rejected';
    eventId: string;
    topic: string;
    partition: number;
    offset: string;
    issues: { field: string; message: string }[];
  }[];
  events: { type: string; eventId: string }[];
}

export interface GatewayFixture {
  stack: TestStack;
  knex: Knex;
  gateway: RunningGateway;
  /** A write key for namespace `vision` only, a read-only key, and an admin key for every namespace. */
  keys: { visionWriter: string; reader: string; admin: string };
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: GatewayAnswer }>;
  stop(): Promise<void>;
}

/** A gateway on its own stack (broker, registry, database), with migrations applied and keys made. */
export async function startGatewayFixture(
  label: string,
  overrides: Partial<GatewayOptions> = {},
  stack?: TestStack,
): Promise<GatewayFixture> {
  const ownStack = stack ?? (await startTestStack({ label, logger }));
  await ensureStrataTopics(ownStack.brokers, logger);
  const knex = createKnex(ownStack.databaseUrl, { max: 4 });
  await migrateLatest(knex);
  const store = new ApiKeyStore(knex);
  const keys = {
    visionWriter: (await store.create({ name: 'vision-writer', scopes: ['write'], namespaces: ['vision'] }))
      .key,
    reader: (await store.create({ name: 'reader', scopes: ['read'], namespaces: ['*'] })).key,
    admin: (await store.create({ name: 'admin', scopes: ['admin'], namespaces: ['*'] })).key,
  };
  const gateway = await startGateway({
    config: loadConfig({ DATABASE_URL: ownStack.databaseUrl }),
    logger,
    brokers: ownStack.brokers,
    registryUrl: ownStack.registryUrl,
    port: 0,
    knex,
    ...overrides,
  });
  return {
    stack: ownStack,
    knex,
    gateway,
    keys,
    async post(path, body, headers = { authorization: `Bearer ${keys.admin}` }) {
      const response = await fetch(`${gateway.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as GatewayAnswer };
    },
    async stop() {
      await gateway.close();
      await knex.destroy();
      if (!stack) await ownStack.stop();
    },
  };
}

let sequence = 0;

/** A valid LabelCreated in `namespace`, with fresh ids. */
export function labelCreated(namespace = 'vision', itemId = `img-${process.pid}-${++sequence}`) {
  return {
    type: 'LabelCreated',
    event: {
      envelope: {
        eventId: crypto.randomUUID(),
        eventTime: Date.now(),
        namespace,
        producer: { name: 'python-pipeline', version: '0.3' },
        actor: { kind: 'HUMAN', id: 'alice' },
      },
      itemId,
      labelId: crypto.randomUUID() as string,
      task: 'class',
      payload: '{"class":"car"}',
      author: { kind: 'HUMAN', id: 'alice' },
      tool: null,
      confidence: null,
      guidelineVersion: null,
    },
  };
}
