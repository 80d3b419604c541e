import type { Command } from 'commander';
import {
  applyTopics,
  createKafka,
  formatPlan,
  readTopicsFile,
  TopicsInputError,
  withReplicationFactor,
  type TopicPlan,
  type TopicSpec,
  type TopicsApplyResult,
} from '@strata/kafka';
import { createLogger } from '@strata/logging';
import { configFrom, type OverrideFlags } from '../options';

function positiveInteger(flag: string, raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new TopicsInputError(`${flag} must be a positive whole number, got "${raw}"`);
  return Number(raw);
}

function summarize(
  { plan, after, failures }: TopicsApplyResult,
  dryRun: boolean,
): { text: string; ok: boolean } {
  const lines = [formatPlan(plan), ''];
  const count = (action: TopicPlan['action']) => plan.filter((topic) => topic.action === action).length;
  const changes = count('create') + count('update');
  const problems = plan.some((topic) => topic.problems.length > 0);
  const unconverged = (after ?? []).filter((topic) => topic.action !== 'unchanged');
  if (changes === 0) lines.push(problems ? 'no changes made' : 'no changes: the cluster matches the file');
  else if (dryRun)
    lines.push(`dry run: ${count('create')} to create, ${count('update')} to update; nothing applied`);
  else {
    // Counted from the cluster as re-read, not from the plan: a refused step is not "applied".
    const converged = (action: TopicPlan['action']) =>
      plan.filter((topic, index) => topic.action === action && after?.[index].action === 'unchanged').length;
    lines.push(`applied: ${converged('create')} created, ${converged('update')} updated`);
  }
  lines.push(...failures.map((failure) => `! ${failure}`));
  if (unconverged.length) {
    lines.push('! the cluster still differs from the file after applying:', formatPlan(unconverged));
  }
  if (problems) lines.push('! some differences were not fixed (see "!" lines above)');
  return {
    text: `${lines.join('\n')}\n`,
    ok: !problems && failures.length === 0 && unconverged.length === 0,
  };
}

export function registerTopics(program: Command): void {
  const topics = program.command('topics').description('Kafka topics of the event model');
  topics
    .command('apply')
    .description('create or update topics to match a declarative file, idempotently, on any cluster')
    .option('--file <path>', 'topics file', 'infra/topics.yaml')
    .option('--brokers <list>', 'Kafka bootstrap servers host:port,… (env STRATA_KAFKA_BROKERS)')
    .option('--kafka-port <port>', 'embedded broker port when no --brokers (env STRATA_KAFKA_PORT)')
    .option(
      '--replication-factor <n>',
      'override every topic’s replication factor (1 for a single-broker cluster)',
    )
    .option('--dry-run', 'print the plan, change nothing')
    .action(async (flags: OverrideFlags & { file: string; replicationFactor?: string; dryRun?: boolean }) => {
      const config = configFrom(flags);
      const logger = createLogger(config.logLevel);
      // Without --brokers, the broker `strata up` embeds.
      const brokers = config.kafkaBrokers ?? [`127.0.0.1:${config.kafkaPort}`];
      let specs: TopicSpec[];
      try {
        specs = await readTopicsFile(flags.file);
        if (flags.replicationFactor !== undefined) {
          specs = withReplicationFactor(
            specs,
            positiveInteger('--replication-factor', flags.replicationFactor),
          );
        }
      } catch (error) {
        if (!(error instanceof TopicsInputError)) throw error;
        process.stderr.write(`strata topics apply: ${error.message}\n`);
        process.exitCode = 2;
        return;
      }
      const admin = createKafka({ brokers, clientId: 'strata-topics', logger }).admin();
      try {
        await admin.connect();
      } catch (error) {
        process.stderr.write(
          `strata topics apply: cannot reach Kafka at ${brokers.join(',')}: ${(error as Error).message}\n`,
        );
        process.exitCode = 2;
        return;
      }
      try {
        const dryRun = flags.dryRun === true;
        const { text, ok } = summarize(await applyTopics(admin, specs, dryRun), dryRun);
        process.stdout.write(text);
        if (!ok) process.exitCode = 1;
      } finally {
        await admin.disconnect();
      }
    });
}
