import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ApiKeyStore } from '@strata/auth';
import { createKnex } from '@strata/database';
import { demoDatasets, generateDemoHistory, type DemoCall } from '@strata/demo';
import { createTestDatabase, freePort, startCli } from '@strata/testing';
import type { DagEvent } from './dag-oracle';
import { freezeRelease, type ExplorerStack } from './explorer-stack';

/** What `strata up` publishes into an empty log (apps/cli/src/commands/up.command.ts). */
const upDemo = { items: 2000, seed: 42, namespace: 'demo' };

/**
 * The platform as a newcomer starts it: `strata up` (embedded broker and registry, projector, query
 * API serving the explorer) with the demo it publishes into an empty log. The demo is generated from
 * a seed, so the test regenerates it to know every label event; lineage facts come from the API.
 */
export async function startStrataUpStack(): Promise<ExplorerStack> {
  const database = await createTestDatabase({ label: 'explorer_up' });
  const dataDir = await mkdtemp(path.join(tmpdir(), 'strata-explorer-up-'));
  const ports = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const [kafka, registry, api, gateway, projector] = ports.map(String);
  const up = startCli(
    [
      'up',
      ...['--data-dir', dataDir, '--kafka-port', kafka, '--registry-port', registry],
      ...['--api-port', api, '--gateway-port', gateway, '--projector-metrics-port', projector],
    ],
    // An external cluster in the environment would make `up` embed nothing.
    { DATABASE_URL: database.url, STRATA_KAFKA_BROKERS: '', STRATA_SCHEMA_REGISTRY_URL: '' },
  );
  const knex = createKnex(database.url);
  const close = async () => {
    await up.stop('SIGTERM');
    await knex.destroy();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const ready = await up.waitForLog('strata is up; press Ctrl-C to stop', 300_000);
    const url = String(ready.api);
    const store = new ApiKeyStore(knex);
    const create = async (name: string, scopes: ('read' | 'write')[]) =>
      (await store.create({ name, scopes, namespaces: ['*'] })).key;
    const keys = {
      reader: await create('explorer-reader', ['read']),
      unknown: `stk_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('hex')}`,
      writerOnly: await create('explorer-writer', ['write']),
    };
    const admin = (await readFile(path.join(dataDir, 'admin.key'), 'utf8')).trim();
    const demo = generateDemoHistory(upDemo);
    const itemId = demo.highlights.retractedCorrection!;
    const reviewItem = demo.samples.find((sample) => sample.dataset === demoDatasets.reviews)!.itemId;
    const release = await freezeRelease(url, admin, {
      name: 'reviews-explorer',
      dataset: demoDatasets.reviews,
    });
    return {
      url,
      keys,
      dagItem: {
        itemId,
        dataset: demo.samples.find((sample) => sample.itemId === itemId)!.dataset,
        events: demo.calls.flatMap((call) => dagEventsOf(call, itemId)),
      },
      lineage: await lineageFacts(url, keys.reader, reviewItem),
      release,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

function dagEventsOf(call: DemoCall, itemId: string): DagEvent[] {
  if (call.input.itemId !== itemId) return [];
  const time = new Date(call.input.envelope!.eventTime!).toISOString();
  switch (call.method) {
    case 'createLabel':
      return [{ kind: 'label', labelId: call.input.labelId, parents: [], time }];
    case 'correctLabel':
      return [{ kind: 'label', labelId: call.input.labelId, parents: call.input.parents, time }];
    case 'retractLabel':
      return [{ kind: 'retraction', labelId: call.input.labelId, time }];
    default:
      return [];
  }
}

/** The steps upstream of an item and their run, as the API's provenance endpoint lists them. */
async function lineageFacts(url: string, key: string, itemId: string): Promise<ExplorerStack['lineage']> {
  const response = await fetch(`${url}/v1/items/${itemId}/provenance?depth=5`, {
    headers: { authorization: `Bearer ${key}` },
  });
  if (!response.ok) throw new Error(`provenance of ${itemId}: ${response.status} ${await response.text()}`);
  const { steps } = (await response.json()) as { steps: { step: { stepId: string; runId: string } }[] };
  return { node: `item:${itemId}`, runId: steps[0].step.runId, steps: steps.map(({ step }) => step.stepId) };
}
