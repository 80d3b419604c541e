import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKnex } from '@strata/database';
import { createKafka } from '@strata/kafka';
import { createTestDatabase, type TestDatabase } from '@strata/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  kafkaReadinessCheck,
  Observability,
  postgresReadinessCheck,
  schemaRegistryReadinessCheck,
} from './index';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A port nothing listens on: bound by us, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await listen(server);
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('schemaRegistryReadinessCheck', () => {
  let healthy = true;
  const registry = createServer((request, response) => {
    if (request.url !== '/subjects') return void response.writeHead(404).end();
    if (!healthy) return void response.writeHead(500).end('{"error_code":50001}');
    response.writeHead(200, { 'content-type': 'application/vnd.schemaregistry.v1+json' });
    response.end('["strata.items-value","strata.runs-value"]');
  });
  let url: string;
  beforeAll(async () => {
    url = await listen(registry);
  });
  afterAll(() => new Promise((resolve) => registry.close(resolve)));

  it('is up when GET /subjects answers, reporting the subject count', async () => {
    healthy = true;
    expect(await schemaRegistryReadinessCheck(`${url}/`).check()).toEqual({ subjects: 2 });
  });

  it('is down when the registry answers with an error', async () => {
    healthy = false;
    await expect(schemaRegistryReadinessCheck(url).check()).rejects.toThrow('GET /subjects answered 500');
  });
});

describe('postgresReadinessCheck', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ label: 'readiness' });
  });
  afterAll(() => database.drop());

  it('is up when SELECT 1 answers', async () => {
    const knex = createKnex(database.url, { max: 1 });
    try {
      await expect(postgresReadinessCheck(knex).check()).resolves.toBeUndefined();
    } finally {
      await knex.destroy();
    }
  });

  it('is down when the database is unreachable', async () => {
    const knex = createKnex(`${database.url}_missing`, { max: 1 });
    try {
      await expect(postgresReadinessCheck(knex).check()).rejects.toThrow(/does not exist/);
    } finally {
      await knex.destroy();
    }
  });
});

describe('kafkaReadinessCheck', () => {
  it('makes the service not ready within the check timeout when no broker listens', async () => {
    const kafka = createKafka({
      brokers: [`127.0.0.1:${await closedPort()}`],
      clientId: 'readiness-test',
      logger: pino({ level: 'silent' }),
    });
    const check = kafkaReadinessCheck(kafka);
    const observability = new Observability({ service: 'gateway', checks: [check], checkTimeoutMs: 500 });
    const started = Date.now();
    const report = await observability.readiness();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(report).toMatchObject({ status: 'not ready', checks: { kafka: { status: 'down' } } });
    await observability.close();
  });
});
