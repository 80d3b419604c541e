import { InvalidArgumentError, type Command } from 'commander';
import type { Logger } from 'pino';
import { adminKeyPath } from '@strata/auth';
import { publishDemo, type DemoOptions, type DemoSummary } from '@strata/demo';
import { createLogger } from '@strata/logging';
import { connectStrataProducer } from '@strata/sdk';
import { configFrom, withConnectionOptions, type OverrideFlags } from '../options';

function positiveInteger(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new InvalidArgumentError('must be a positive whole number');
  }
  return Number(raw);
}

export function registerDemo(program: Command): void {
  withConnectionOptions(program.command('demo'))
    .description('publish a realistic, seeded labelling and pipeline history through the SDK')
    .option('--items <n>', 'items to register (split over two datasets)', positiveInteger, 2000)
    .option('--seed <n>', 'random seed: the same seed publishes the same history', positiveInteger, 42)
    .option('--namespace <name>', 'namespace (tenant) of the events', 'demo')
    .option('--kafka-port <port>', 'embedded broker port when no --brokers (env STRATA_KAFKA_PORT)')
    .option(
      '--registry-port <port>',
      'embedded registry port when no --registry-url (env STRATA_REGISTRY_PORT)',
    )
    .action(async (flags: OverrideFlags & { items: number; seed: number; namespace: string }) => {
      const config = configFrom(flags);
      const logger = createLogger(config.logLevel);
      // Without explicit endpoints, talk to what `strata up` embeds.
      const summary = await runDemo({
        brokers: config.kafkaBrokers ?? [`127.0.0.1:${config.kafkaPort}`],
        registryUrl: config.schemaRegistryUrl ?? `http://127.0.0.1:${config.registryPort}`,
        logger,
        demo: flags,
      }).catch((error: unknown) => {
        if (!(error instanceof DemoUnreachableError)) throw error;
        process.stderr.write(`strata demo: ${error.message}\n`);
        return undefined;
      });
      if (!summary) {
        process.exitCode = 1;
        return;
      }
      process.stdout.write(describeSummary(summary, `http://127.0.0.1:${config.apiPort}`, config.dataDir));
    });
}

export class DemoUnreachableError extends Error {}

export interface RunDemoOptions {
  brokers: string[];
  registryUrl: string;
  logger: Logger;
  demo: DemoOptions;
}

/** Publishes the demo history through the SDK, as any producer would; `strata up` seeds with it too. */
export async function runDemo({ brokers, registryUrl, logger, demo }: RunDemoOptions): Promise<DemoSummary> {
  const producer = await connectStrataProducer({
    brokers,
    registryUrl,
    logger,
    clientId: 'strata-demo',
    retries: 3,
    defaults: {
      namespace: demo.namespace,
      producer: { name: 'strata-demo', version: '1' },
      actor: { kind: 'SERVICE', id: 'strata-demo' },
    },
  }).catch((error: unknown) => {
    throw new DemoUnreachableError(
      `cannot reach Kafka at ${brokers.join(',')} (${(error as Error).message}); ` +
        'is `strata up` running, or are --brokers/--registry-url right?',
    );
  });
  try {
    return await publishDemo(producer, demo);
  } finally {
    await producer.close();
  }
}

export function describeSummary(summary: DemoSummary, api: string, dataDir: string): string {
  const counts = Object.entries(summary.eventsByType)
    .map(([method, count]) => `  ${method.padEnd(14)} ${count}`)
    .join('\n');
  const { highlights: h } = summary;
  // Reads need a key; `strata up` leaves a local admin key in the data directory.
  const curl = `curl -H "Authorization: Bearer $(cat ${adminKeyPath(dataDir)})"`;
  const example = (what: string, query: string | undefined) =>
    query ? `  ${what.padEnd(34)} ${curl} '${api}${query}'\n` : '';
  const leavesOf = (itemId: string | undefined) => itemId && `/v1/items/${itemId}/leaves`;
  return (
    `Published ${summary.items} items in two datasets:\n${counts}\n` +
    `  pipeline run ${summary.completedRun.runId} completed: ${summary.completedRun.steps} steps, ${summary.completedRun.outputRecords} outputs, per-item provenance\n` +
    `  pipeline run ${summary.failedRun.runId} FAILED: ${summary.failedRun.error}\n\n` +
    'Try:\n' +
    example('consolidated (two parents):', leavesOf(h.consolidated)) +
    example('corrected months later:', leavesOf(h.correctedMonthsLater)) +
    example('mistaken correction retracted:', leavesOf(h.retractedCorrection)) +
    example('latest review rejected:', leavesOf(h.rejected)) +
    example('full label history:', h.consolidated && `/v1/items/${h.consolidated}/labels`) +
    example('lineage of the completed run:', `/v1/lineage?node=run:${summary.completedRun.runId}&depth=5`) +
    example(
      'an augmented sample, upstream:',
      summary.completedRun.augmentedSample &&
        `/v1/lineage?node=artifact:item:${summary.completedRun.augmentedSample}&direction=upstream&depth=5`,
    ) +
    example('lineage of the failed run:', `/v1/lineage?node=run:${summary.failedRun.runId}`) +
    example('training set (latest leaf):', '/v1/training-set?dataset=street-scenes&strategy=latest')
  );
}
