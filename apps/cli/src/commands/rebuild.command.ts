import { availableParallelism } from 'node:os';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { createKnex, migrateLatest } from '@strata/database';
import { createKafka } from '@strata/kafka';
import { createLogger } from '@strata/logging';
import {
  BuildError,
  rebuild,
  rebuildProjector,
  RebuildTargetError,
  type RebuildTarget,
} from '@strata/projector';
import { InvalidAsOfError, parseAsOf } from '@strata/views';
import {
  configFrom,
  withConcurrentPartitionsOption,
  withThreadsOption,
  withConnectionOptions,
  type OverrideFlags,
} from '../options';
import { kafkaEndpoints } from './projector.command';

interface RebuildFlags extends OverrideFlags {
  asOf: string;
  into?: string;
  swap?: boolean;
  concurrentPartitions?: number;
  threads?: number;
}

/** One thread per core, up to four: past that PostgreSQL, not Node, is usually the limit. */
const defaultThreads = Math.min(4, availableParallelism());

const asOfHelp = 'ISO time | offsets:<topic>:<partition>=<offset>,… (partitions not named: nothing) | latest';

/** `--as-of` of rebuild and verify: the query API's syntax, without `snapshot:`. */
export function parseTarget(raw: string): RebuildTarget {
  const parsed = parseAsOf(raw);
  if (parsed.kind === 'snapshot') {
    throw new InvalidAsOfError(`a snapshot is not a target here; give ${asOfHelp}`);
  }
  return parsed;
}

/** The operator's mistake (a bad flag, an unknown or taken build name): said on stderr, exit code 2. */
export async function reportingUsageErrors(command: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(
      error instanceof InvalidAsOfError ||
      error instanceof BuildError ||
      error instanceof RebuildTargetError
    )) {
      throw error;
    }
    const flag = error instanceof InvalidAsOfError ? '--as-of: ' : '';
    process.stderr.write(`strata ${command}: ${flag}${error.message}\n`);
    process.exitCode = 2;
  }
}

export function registerRebuild(program: Command): void {
  withThreadsOption(
    withConcurrentPartitionsOption(withConnectionOptions(program.command('rebuild'))),
    defaultThreads,
  )
    .description('replay the topics from the start into a fresh build, up to a target, and stop')
    .requiredOption('--as-of <spec>', asOfHelp)
    .option('--into <name>', 'name of the new build (default rebuild-<UTC time>)')
    .option('--swap', 'make the build live once complete (readers switch atomically)')
    .action((flags: RebuildFlags) =>
      reportingUsageErrors('rebuild', async () => {
        const target = parseTarget(flags.asOf);
        const config = configFrom(flags);
        const logger = createLogger(config.logLevel);
        const { brokers, registryUrl } = kafkaEndpoints(config);
        const knex = createKnex(config.databaseUrl, { logger });
        const kafka = createKafka({ brokers, clientId: 'strata-rebuild', logger });
        const bar = new SingleBar({
          stream: process.stderr,
          format:
            'rebuild |{bar}| {percentage}% | {value}/{total} events | {speed} events/s | ETA {eta_formatted}',
          etaBuffer: 50,
          hideCursor: true,
        });
        const started = performance.now();
        try {
          await migrateLatest(knex);
          const result = await rebuild({
            kafka,
            knex,
            logger,
            target,
            name: flags.into,
            swap: flags.swap,
            concurrentPartitions: flags.concurrentPartitions,
            threads: flags.threads ?? defaultThreads,
            connection: { databaseUrl: config.databaseUrl, brokers, registryUrl, logLevel: config.logLevel },
            projector: rebuildProjector(knex, registryUrl, logger),
            onProgress: ({ done, total }) => {
              const speed = Math.round(done / Math.max(0.001, (performance.now() - started) / 1000));
              if (done === 0) bar.start(total, 0, { speed: 0 });
              else bar.update(done, { speed });
            },
          });
          bar.stop();
          const seconds = (performance.now() - started) / 1000;
          process.stdout.write(
            `build ${result.build.name} (schema ${result.build.schemaName}) ${result.build.status}\n` +
              `target ${result.build.target}\n` +
              `replayed ${result.records} events in ${seconds.toFixed(1)} s (${Math.round(result.records / seconds)} events/s)\n` +
              (flags.swap ? `live build is now ${result.build.name}\n` : ''),
          );
        } finally {
          bar.stop();
          await knex.destroy();
        }
      }),
    );
}
