import http from 'node:http';
import pino from 'pino';
import { ApiKeyStore } from '@strata/auth';
import { loadConfig } from '@strata/config';
import type { Knex } from 'knex';
import { startQueryApi, type RunningQueryApi } from '../../../apps/query-api/src/start';
import { startGatewayFixture, type GatewayFixture } from '../../gateway/support/gateway-fixture';
import { petsScenario } from '../../query-api/support/pets-scenario';
import { historyLogOffsets, projectingPublisher } from '../../query-api/support/projecting-publisher';
import { ViewsSeeder } from '../../query-api/support/views-seeder';
import type { FuzzRequest } from './arbitraries';
import type { KeyRing, KnownIds } from './requests';

const logger = pino({ level: process.env.STRATA_TEST_LOG_LEVEL ?? 'silent' });
/** The fuzz sends thousands of requests per key; rate limiting has its own tests. */
const unlimited = { ratePerSecond: 1_000_000, burst: 1_000_000 };

export interface FuzzStack {
  gateway: GatewayFixture;
  api: RunningQueryApi;
  knex: Knex;
  /** The live views schema the query API reads. */
  viewsSchema: string;
  gatewayKeys: KeyRing;
  queryKeys: KeyRing;
  known: KnownIds;
  stop(): Promise<void>;
}

/**
 * A gateway on its own broker, registry and database, and a query API over the same database whose
 * views hold the pets scenario (projected by the real projection code), each on a free port.
 */
export async function startFuzzStack(): Promise<FuzzStack> {
  const gateway = await startGatewayFixture('fuzz', { rateLimit: unlimited });
  const { knex } = gateway;
  const scenario = petsScenario();
  const seeder = await ViewsSeeder.createLive(knex, 'build_fuzz');
  await seeder.apply(scenario.history.events);
  const store = new ApiKeyStore(knex);
  const key = async (scopes: ('read' | 'write' | 'admin')[], namespaces: string[]) =>
    (await store.create({ name: `fuzz-${scopes.join('-')}-${namespaces.join('-')}`, scopes, namespaces }))
      .key;
  const api = await startQueryApi({
    config: loadConfig({ DATABASE_URL: gateway.stack.databaseUrl }),
    logger,
    port: 0,
    host: '127.0.0.1',
    publisher: projectingPublisher(scenario.history, () => seeder),
    logOffsets: historyLogOffsets(() => scenario.history.events),
    limits: { rateLimit: unlimited },
  });
  const queryKeys: KeyRing = {
    reader: await key(['read'], ['test']),
    otherReader: await key(['read'], ['other']),
    admin: await key(['admin'], ['test']),
    writer: gateway.keys.visionWriter,
  };
  const release = await send(api.url, {
    method: 'POST',
    path: '/v1/snapshots',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${queryKeys.admin}` },
    body: JSON.stringify({ name: 'fuzz-base', dataset: 'pets' }),
  });
  if (release.status !== 201)
    throw new Error(`could not freeze the base release: ${release.body.toString()}`);
  return {
    gateway,
    api,
    knex,
    viewsSchema: seeder.schema,
    gatewayKeys: {
      admin: gateway.keys.admin,
      writer: await key(['write'], ['fuzz']),
      reader: gateway.keys.reader,
    },
    queryKeys,
    known: {
      itemIds: ['img-a', 'img-b', 'img-c', 'img-e', 'img-f', 'img-z'],
      labelIds: Object.values(scenario.labels),
      runIds: Object.values(scenario.runs),
      snapshotIds: [(JSON.parse(release.body.toString()) as { snapshotId: string }).snapshotId],
    },
    async stop() {
      await api.close();
      await gateway.stop();
    },
  };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

export interface FuzzAnswer {
  status: number;
  contentType: string;
  body: Buffer;
}

/** Sends a request exactly as generated (any method, raw body) and reads the whole answer. */
export function send(baseUrl: string, request: FuzzRequest): Promise<FuzzAnswer> {
  const { hostname, port } = new URL(baseUrl);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: hostname,
        port,
        method: request.method,
        path: request.path,
        agent,
        headers: { ...request.headers, ...(body ? { 'content-length': body.length } : {}) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: response.headers['content-type'] ?? '',
            body: Buffer.concat(chunks),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.setTimeout(60_000, () => outgoing.destroy(new Error(`no answer within 60 s`)));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
