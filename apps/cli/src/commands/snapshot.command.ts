import type { Command } from 'commander';
import { createLogger } from '@strata/logging';
import { BadParameterError, NotFoundError, UnavailableError } from '../../../query-api/src/common/errors';
import { freezeRelease } from '../../../query-api/src/start';
import { configFrom, withConnectionOptions, type OverrideFlags } from '../options';

interface SnapshotCreateFlags extends OverrideFlags {
  name: string;
  asOf?: string;
  dataset?: string;
  task?: string;
  strategy?: string;
  field?: string;
}

export function registerSnapshot(program: Command): void {
  const snapshot = program.command('snapshot').description('frozen dataset releases');
  withConnectionOptions(snapshot.command('create'))
    .description('freeze a release: resolve the offset vector, hash the manifest, publish SnapshotFrozen')
    .requiredOption('--name <name>', 'release name')
    .option('--as-of <spec>', 'ISO time | topic:partition=offset,… | snapshot:<id> | latest', 'latest')
    .option('--dataset <dataset>', 'only items of this dataset')
    .option('--task <task>', 'only labels of this task')
    .option('--strategy <strategy>', 'latest | all-leaves | majority | unresolved', 'latest')
    .option('--field <field>', 'payload field for --strategy majority')
    .action(async (flags: SnapshotCreateFlags) => {
      const config = configFrom(flags);
      const logger = createLogger(config.logLevel);
      const { name, asOf, dataset, task, strategy, field } = flags;
      try {
        const release = await freezeRelease(
          { config, logger },
          { name, asOf, dataset, task, strategy, field },
        );
        process.stdout.write(`${JSON.stringify(release, null, 2)}\n`);
      } catch (error) {
        // A bad --as-of, unknown snapshot or unreachable Kafka is the user's to fix: say so, no stack.
        if (!(
          error instanceof BadParameterError ||
          error instanceof NotFoundError ||
          error instanceof UnavailableError
        )) {
          throw error;
        }
        process.stderr.write(`strata snapshot create: ${error.message}\n`);
        process.exitCode = 2;
      }
    });
}
