import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createKafka } from '@strata/kafka';
import { startTestStack, type TestStack } from '@strata/testing';
import { ConfigResourceTypes, type Admin } from 'kafkajs';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.join(__dirname, '../..');
const run = promisify(execFile);

/** Runs the real CLI, as an operator would. */
async function strata(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(root, 'bin/strata.js'), ...args], {
      cwd: root,
      env: { ...process.env, STRATA_LOG_LEVEL: 'warn' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

// Each test starts the CLI up to five times (a few seconds each on a loaded machine).
describe('strata topics apply', { timeout: 180_000 }, () => {
  let stack: TestStack;
  let directory: string;
  let file: string;

  async function withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T> {
    const kafka = createKafka({
      brokers: stack.brokers,
      clientId: 'topics-test',
      logger: pino({ level: 'silent' }),
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      return await use(admin);
    } finally {
      await admin.disconnect();
    }
  }
  const partitionsOf = (topic: string) =>
    withAdmin(
      async (admin) => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions.length,
    );
  const configOf = (topic: string, name: string) =>
    withAdmin(async (admin) => {
      const { resources } = await admin.describeConfigs({
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: [name] }],
        includeSynonyms: false,
      });
      return resources[0].configEntries.find((entry) => entry.configName === name)?.configValue;
    });

  /** A topics file of `events` (whose partitions the tests vary) and a companion topic. */
  async function writeTopicsFile(events: string, eventPartitions: number): Promise<void> {
    await writeFile(
      file,
      [
        'log: &log { retention.ms: -1, retention.bytes: -1, cleanup.policy: delete, min.insync.replicas: 2 }',
        'topics:',
        `  - { name: ${events}, partitions: ${eventPartitions}, replicationFactor: 3, configs: *log }`,
        `  - { name: ${events}.releases, partitions: 1, replicationFactor: 3, configs: *log }`,
      ].join('\n'),
    );
  }
  /** Topic names of one test alone, so tests neither depend on each other nor on a shared cluster's state. */
  let topicCount = 0;
  const freshTopic = () => stack.uniqueName(`test.events${++topicCount}`);
  const apply = (...extra: string[]) =>
    strata(
      'topics',
      'apply',
      '--file',
      file,
      '--brokers',
      stack.brokers.join(','),
      '--replication-factor',
      '1',
      ...extra,
    );

  beforeAll(async () => {
    stack = await startTestStack({ label: 'topics_apply' });
    directory = await mkdtemp(path.join(tmpdir(), 'strata-topics-apply-'));
    file = path.join(directory, 'topics.yaml');
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
    await stack?.stop();
  });

  it('creates the topics the first time and changes nothing the second time', async () => {
    const events = freshTopic();
    await writeTopicsFile(events, 3);
    const first = await apply();
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`${events.replace(/\./g, '\\.')}\\s+create\\s+partitions=3,`));
    expect(first.stdout).toContain('applied: 2 created, 0 updated');

    const second = await apply();
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`${events.replace(/\./g, '\\.')}\\s+unchanged`));
    expect(second.stdout).toContain('no changes: the cluster matches the file');

    expect(await partitionsOf(events)).toBe(3);
    expect(await configOf(events, 'retention.ms')).toBe('-1');
    expect(await configOf(events, 'cleanup.policy')).toBe('delete');
  });

  // CreatePartitions and AlterConfigs are optional for a broker (the embedded one may lack them): the
  // command then says so and fails, and never reports the change as made.
  it('raises partitions when the file asks for more, or says the broker cannot', async () => {
    const events = freshTopic();
    await writeTopicsFile(events, 3);
    expect((await apply()).code).toBe(0);
    await writeTopicsFile(events, 5);
    const dryRun = await apply('--dry-run');
    expect(dryRun.stdout).toMatch(/partitions 3 → 5/);
    expect(dryRun.stdout).toContain('dry run: 0 to create, 1 to update; nothing applied');
    expect(await partitionsOf(events)).toBe(3);

    const raise = await apply();
    if (raise.stdout.includes('the broker does not support CreatePartitions')) {
      expect(raise.code).toBe(1);
      expect(raise.stdout).toContain('applied: 0 created, 0 updated');
      expect(raise.stdout).toContain('the cluster still differs from the file after applying');
      expect(await partitionsOf(events)).toBe(3);
      await writeTopicsFile(events, 3);
    } else {
      expect(raise.code, raise.stdout + raise.stderr).toBe(0);
      expect(raise.stdout).toContain('applied: 0 created, 1 updated');
      expect(await partitionsOf(events)).toBe(5);
    }
    expect((await apply()).stdout).toContain('no changes');
  });

  it('corrects a config that differs, or says the broker cannot', async () => {
    const drifted = freshTopic();
    await withAdmin((admin) =>
      admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: drifted,
            numPartitions: 1,
            replicationFactor: 1,
            configEntries: [{ name: 'retention.ms', value: '604800000' }],
          },
        ],
      }),
    );
    await writeFile(
      file,
      `topics: [{ name: ${drifted}, partitions: 1, replicationFactor: 1, configs: { retention.ms: -1 } }]`,
    );
    const fix = await apply();
    expect(fix.stdout).toMatch(/retention\.ms 604800000 → -1/);
    if (fix.stdout.includes('the broker does not support AlterConfigs')) {
      expect(fix.code).toBe(1);
      expect(await configOf(drifted, 'retention.ms')).toBe('604800000');
    } else {
      expect(fix.code, fix.stdout + fix.stderr).toBe(0);
      expect(await configOf(drifted, 'retention.ms')).toBe('-1');
      expect((await apply()).stdout).toContain('no changes');
    }
  });

  it('reports, and does not attempt, lowering partitions', async () => {
    const events = freshTopic();
    await writeTopicsFile(events, 3);
    expect((await apply()).code).toBe(0);
    await writeTopicsFile(events, 2);
    const lower = await apply();
    expect(lower.stdout).toContain('has 3 partitions, the file asks for 2: Kafka cannot remove partitions');
    expect(lower.stdout).toContain('no changes made');
    expect(lower.code).toBe(1);
    expect(await partitionsOf(events)).toBe(3);
  });
});
