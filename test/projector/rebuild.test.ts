import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryBuilder, type PositionedEvent } from '@strata/projection';
import {
  BatchProjector,
  formatEndOffsets,
  liveBuild,
  rebuild,
  unannouncedDeadLetters,
  viewsProjection,
} from '@strata/projector';
import { runCli } from '@strata/testing';
import { checksumBuild, loadCheckpoints, type Checkpoint } from '@strata/views';
import { EventSerde } from '@strata/contracts';
import { startProjector, type RunningProjector } from '../../apps/projector/src/start';
import {
  liveSchema,
  logEnds,
  mixedHistory,
  publish,
  referenceChecksum,
  silentLogger,
  startProjectorTestStack,
  waitForCheckpoints,
  type ProjectorTestStack,
} from './support';

let env: ProjectorTestStack;
let projector: RunningProjector;
let cliEnv: NodeJS.ProcessEnv;
const history = new HistoryBuilder();
const published: PositionedEvent[] = [];
/** Statements turning `synchronous_commit` off, seen on the test's knex (the live projector's too). */
const asynchronousCommits: string[] = [];
const recordAsynchronousCommits = ({ sql }: { sql: string }) => {
  if (sql.includes('synchronous_commit')) asynchronousCommits.push(sql);
};
/** The live build's checkpoints and checksum after the first part of the history. */
let firstPart: { checkpoints: Checkpoint[]; checksum: string; publishedBy: Date };

async function publishMore(items: number): Promise<void> {
  published.push(...(await publish(env.stack, mixedHistory(items, history))));
  await waitForCheckpoints(env.knex, () => liveSchema(env.knex), await logEnds(env.kafka));
}

async function cli(args: string[]) {
  const result = await runCli(args, cliEnv);
  if (result.code !== 0 && !args.includes('drop')) {
    throw new Error(`strata ${args.join(' ')} exited ${result.code}:\n${result.stderr}`);
  }
  return result;
}

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1)!;

async function indexNames(schema: string): Promise<string[]> {
  const { rows } = await env.knex.raw('SELECT indexname FROM pg_indexes WHERE schemaname = ? ORDER BY 1', [
    schema,
  ]);
  return (rows as { indexname: string }[]).map((row) => row.indexname);
}

beforeAll(async () => {
  env = await startProjectorTestStack('rebuild');
  env.knex.on('query', recordAsynchronousCommits);
  cliEnv = {
    DATABASE_URL: env.stack.databaseUrl,
    STRATA_KAFKA_BROKERS: env.stack.brokers.join(','),
    STRATA_SCHEMA_REGISTRY_URL: env.stack.registryUrl,
    STRATA_LOG_LEVEL: 'warn',
  };
  projector = await startProjector({
    brokers: env.stack.brokers,
    registryUrl: env.stack.registryUrl,
    knex: env.knex,
    logger: silentLogger,
    groupId: env.stack.uniqueName('live'),
    liveBuildPollMs: 200,
  });
  await publishMore(400);
  const schema = await liveSchema(env.knex);
  firstPart = {
    checkpoints: await loadCheckpoints(env.knex, schema, viewsProjection),
    checksum: await checksumBuild(env.knex, schema),
    publishedBy: new Date(),
  };
  await sleep(20); // the rest is stamped strictly later
  await publishMore(300);
});
afterAll(async () => {
  await projector?.stop();
  await env?.stop();
});

describe('strata rebuild and verify', () => {
  it('rebuilds to the offsets at which the live views were checksummed give that checksum, by any route', async () => {
    const vector = formatEndOffsets(firstPart.checkpoints);
    expect(firstPart.checkpoints.length).toBeGreaterThan(0);

    // In three threads, each its share of the partitions (the by-time rebuild below: this machine's default).
    const first = await cli(['rebuild', '--as-of', vector, '--into', 'at-v', '--threads', '3']);
    expect(first.stdout).toContain('build at-v (schema build_at_v) complete');
    expect(lastLine((await cli(['verify', '--build', 'at-v'])).stdout)).toBe(
      `checksum ${firstPart.checksum}`,
    );
    // Its indexes, some built only once its tables were full, are every index of a live build.
    expect(await indexNames('build_at_v')).toEqual(await indexNames(await liveSchema(env.knex)));

    // The live projector commits every batch durably; only a rebuild (below) does not wait for the WAL.
    expect(asynchronousCommits).toEqual([]);

    // The same target again, through the library and one partition at a time: the same checksum.
    const kafka = env.kafka;
    const again = await rebuild({
      kafka,
      concurrentPartitions: 1,
      knex: env.knex,
      logger: silentLogger,
      name: 'at-v-again',
      target: {
        kind: 'offsets',
        offsets: firstPart.checkpoints.map((c) => ({ ...c, offset: c.nextOffset })),
      },
      projector: new BatchProjector({
        knex: env.knex,
        decoder: new EventSerde({ registryUrl: env.stack.registryUrl }),
        deadLetters: unannouncedDeadLetters,
      }),
    });
    expect(again.build.status).toBe('complete');
    expect(asynchronousCommits.length).toBeGreaterThan(0);
    // The recorded target names every partition; those V did not name end at 0.
    expect(again.build.target).toBe(`${vector},strata.snapshots:0=0`);
    expect(await checksumBuild(env.knex, again.build.schemaName)).toBe(firstPart.checksum);

    // By time: ListOffsets by timestamp cuts the log where the first part ended; eight partitions at once.
    await cli([
      'rebuild',
      '--as-of',
      firstPart.publishedBy.toISOString(),
      '--into',
      'at-time',
      '--concurrent-partitions',
      '8',
    ]);
    expect(lastLine((await cli(['verify', '--build', 'at-time'])).stdout)).toBe(
      `checksum ${firstPart.checksum}`,
    );

    // As of V on the live views, which have moved on since: still the same answer.
    const live = await cli(['verify', '--as-of', vector]);
    expect(lastLine(live.stdout)).toBe(`checksum ${firstPart.checksum}`);
    const byTime = await cli(['verify', '--as-of', firstPart.publishedBy.toISOString()]);
    expect(byTime.stdout).toContain(`as of ${vector}`);
    expect(lastLine(byTime.stdout)).toBe(`checksum ${firstPart.checksum}`);
    expect(lastLine((await cli(['verify'])).stdout)).not.toBe(`checksum ${firstPart.checksum}`);
  }, 180_000); // seven CLI processes: slow on a busy machine

  it('refuses a bad --as-of naming the flag, and a target past the end of the log', async () => {
    const bad = await runCli(['rebuild', '--as-of', 'yesterday'], cliEnv);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^strata rebuild: --as-of: "yesterday" is not/m);
    const beyond = await runCli(['rebuild', '--as-of', 'offsets:strata.snapshots:0=5'], cliEnv);
    expect(beyond.code).toBe(2);
    expect(beyond.stderr).toMatch(/offset 5 of strata.snapshots:0 is beyond the end of the log \(0\)/);
  });

  it('--swap makes a build live atomically and the live projector continues it from its checkpoints', async () => {
    const before = (await liveBuild(env.knex))!;
    // Swapping in a build that is behind the live one: the projector must seek back to its checkpoints.
    await cli(['rebuild', '--as-of', formatEndOffsets(firstPart.checkpoints), '--into', 'swapped', '--swap']);
    expect((await liveBuild(env.knex))?.name).toBe('swapped');

    await publishMore(100);
    // Events the rebuild applied, published again: the swapped build knows them (its processed_events
    // was filled as it completed), so the live projector skips them rather than fail on their rows.
    published.push(
      ...(await publish(
        env.stack,
        published.slice(0, 50).map(({ event }) => event),
      )),
    );
    const swapped = (await liveBuild(env.knex))!;
    await waitForCheckpoints(env.knex, () => swapped.schemaName, await logEnds(env.kafka));
    expect(await checksumBuild(env.knex, swapped.schemaName)).toBe(
      await referenceChecksum(env.knex, 'reference', published),
    );

    const list = (await cli(['builds', 'list'])).stdout;
    expect(list.split('\n').find((line) => line.includes(' swapped '))).toMatch(
      /^\*\s+swapped\s+build_swapped\s+live /,
    );
    expect(list).toMatch(new RegExp(`^\\s+${before.name}\\s+\\S+\\s+superseded `, 'm'));

    const refused = await cli(['builds', 'drop', 'swapped']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('strata builds drop: build "swapped" is live');
    expect((await liveBuild(env.knex))?.name).toBe('swapped');

    expect((await cli(['builds', 'drop', before.name])).code).toBe(0);
    const { rows } = await env.knex.raw('SELECT 1 FROM pg_namespace WHERE nspname = ?', [before.schemaName]);
    expect(rows).toEqual([]);
    expect((await cli(['builds', 'list'])).stdout).not.toContain(before.name);
  }, 180_000);
});
