import { InvalidArgumentError, type Command } from 'commander';
import { publishDemo, type DemoSummary } from '@strata/demo';
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
      const brokers = config.kafkaBrokers ?? [`127.0.0.1:${config.kafkaPort}`];
      const producer = await connectStrataProducer({
        brokers,
        registryUrl: config.schemaRegistryUrl ?? `http://127.0.0.1:${config.registryPort}`,
        logger,
        clientId: 'strata-demo',
        retries: 3,
        defaults: {
          namespace: flags.namespace,
          producer: { name: 'strata-demo', version: '1' },
          actor: { kind: 'SERVICE', id: 'strata-demo' },
        },
      }).catch((error: unknown) => {
        process.stderr.write(
          `strata demo: cannot reach Kafka at ${brokers.join(',')} (${(error as Error).message}); ` +
            'is `strata up` running, or are --brokers/--registry-url right?\n',
        );
        return undefined;
      });
      if (!producer) {
        process.exitCode = 1;
        return;
      }
      let summary: DemoSummary;
      try {
        summary = await publishDemo(producer, {
          items: flags.items,
          seed: flags.seed,
          namespace: flags.namespace,
        });
      } finally {
        await producer.close();
      }
      process.stdout.write(describeSummary(summary, `http://127.0.0.1:${config.apiPort}`));
    });
}

function describeSummary(summary: DemoSummary, api: string): string {
  const counts = Object.entries(summary.eventsByType)
    .map(([method, count]) => `  ${method.padEnd(14)} ${count}`)
    .join('\n');
  const { highlights: h } = summary;
  const example = (label: string, itemId: string | undefined) =>
    itemId ? `  ${label.padEnd(34)} curl ${api}/v1/items/${itemId}/leaves\n` : '';
  return (
    `Published ${summary.items} items in two datasets:\n${counts}\n` +
    `  pipeline run ${summary.completedRun.runId} completed: ${summary.completedRun.steps} steps, ${summary.completedRun.outputRecords} outputs, per-item provenance\n` +
    `  pipeline run ${summary.failedRun.runId} FAILED: ${summary.failedRun.error}\n\n` +
    'Try:\n' +
    example('consolidated (two parents):', h.consolidated) +
    example('corrected months later:', h.correctedMonthsLater) +
    example('mistaken correction retracted:', h.retractedCorrection) +
    example('latest review rejected:', h.rejected) +
    (h.consolidated
      ? `  ${'full label history:'.padEnd(34)} curl ${api}/v1/items/${h.consolidated}/labels\n`
      : '') +
    `  ${'lineage of the completed run:'.padEnd(34)} curl '${api}/v1/lineage?node=run:${summary.completedRun.runId}&depth=5'\n` +
    `  ${'lineage of the failed run:'.padEnd(34)} curl '${api}/v1/lineage?node=run:${summary.failedRun.runId}'\n` +
    `  ${'training set (latest leaf):'.padEnd(34)} curl '${api}/v1/training-set?dataset=street-scenes&strategy=latest'\n`
  );
}
