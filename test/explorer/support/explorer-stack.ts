import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { ApiKeyStore } from '@strata/auth';
import { loadConfig } from '@strata/config';
import type { StrataEvent } from '@strata/contracts';
import { startQueryApi, type RunningQueryApi } from '../../../apps/query-api/src/start';
import { petsScenario } from '../../query-api/support/pets-scenario';
import { historyLogOffsets, projectingPublisher } from '../../query-api/support/projecting-publisher';
import { createTestDatabase } from '../../query-api/support/test-database';
import { ViewsSeeder } from '../../query-api/support/views-seeder';
import type { DagEvent } from './dag-oracle';

/** What an explorer test needs from a running Strata, whatever started it. */
export interface ExplorerStack {
  /** The query API, which also serves the explorer at `/`. */
  url: string;
  keys: {
    /** read scope, every namespace */
    reader: string;
    /** a well-formed key the server never issued */
    unknown: string;
    /** write scope only: authenticated, but may not read */
    writerOnly: string;
  };
  /** An item whose label DAG has corrections and a retraction, and its label events as published. */
  dagItem: {
    itemId: string;
    /** a dataset the item is registered in */
    dataset: string;
    events: DagEvent[];
  };
  /** An item with upstream lineage through several steps of one run. */
  lineage: { node: string; runId: string; steps: string[] };
  release: { snapshotId: string; name: string; manifestSha256: string };
  close(): Promise<void>;
}

/**
 * Today's stack: a query API over views seeded by the real projection code from a known history
 * (the projector that feeds them from Kafka is not there yet), with real API keys in its database
 * and a release frozen through the API. A stack from `strata up` + `strata demo` can replace it
 * by providing the same ExplorerStack from the demo's summary.
 */
export async function startSeededStack(): Promise<ExplorerStack> {
  const scenario = petsScenario();
  const { history, runs, steps } = scenario;
  const database = await createTestDatabase('explorer');
  let api: RunningQueryApi | undefined;
  try {
    const seeder = await ViewsSeeder.createLive(database.knex);
    await seeder.apply(history.events);
    const store = new ApiKeyStore(database.knex);
    const create = async (name: string, scopes: ('read' | 'write' | 'admin')[]) =>
      (await store.create({ name, scopes, namespaces: ['*'] })).key;
    const keys = {
      reader: await create('explorer-reader', ['read']),
      unknown: `stk_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('hex')}`,
      writerOnly: await create('explorer-writer', ['write']),
    };
    const admin = await create('explorer-admin', ['admin']);

    api = await startQueryApi({
      config: loadConfig({ DATABASE_URL: database.url, STRATA_LOG_LEVEL: 'silent' }),
      logger: pino({ level: process.env.STRATA_TEST_LOG_LEVEL ?? 'silent' }),
      port: 0,
      host: '127.0.0.1',
      publisher: projectingPublisher(history, () => seeder),
      logOffsets: historyLogOffsets(() => history.events),
    });
    const release = await freezeRelease(api.url, admin, { name: 'pets-explorer', dataset: 'pets' });

    // img-f: f1 → f2 → f3, then f2 (the middle) retracted: f3 is the only leaf.
    const itemId = 'img-f';
    const events = history.events.flatMap(({ event }) => dagEventsOf(event, itemId));
    const running = api;
    return {
      url: api.url,
      keys,
      dagItem: { itemId, dataset: 'pets', events },
      lineage: { node: 'item:img-a', runId: runs.ingest, steps: steps.ingest },
      release,
      close: async () => {
        await running.close();
        await database.drop();
      },
    };
  } catch (error) {
    await api?.close();
    await database.drop();
    throw error;
  }
}

function dagEventsOf({ type, event }: StrataEvent, itemId: string): DagEvent[] {
  if (!('itemId' in event) || event.itemId !== itemId) return [];
  const time = new Date(event.envelope.eventTime).toISOString();
  switch (type) {
    case 'LabelCreated':
      return [{ kind: 'label', labelId: event.labelId, parents: [], time }];
    case 'LabelCorrected':
      return [{ kind: 'label', labelId: event.labelId, parents: event.parents, time }];
    case 'LabelRetracted':
      return [{ kind: 'retraction', labelId: event.labelId, time }];
    default:
      return [];
  }
}

/** Freezes a release through the API, as an operator would. */
export async function freezeRelease(url: string, key: string, body: Record<string, string>) {
  const response = await fetch(`${url}/v1/snapshots`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  if (response.status !== 201)
    throw new Error(`freezing a release: ${response.status} ${await response.text()}`);
  return (await response.json()) as ExplorerStack['release'];
}
