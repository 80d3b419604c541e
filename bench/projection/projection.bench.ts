/**
 * Projection benchmark: a rebuild of a mixed log against PostgreSQL's own COPY rate of the same
 * rows into the same tables, measured in the same run.
 *
 *   SWC_NODE_PROJECT=tsconfig.json node -r @swc-node/register bench/projection/projection.bench.ts
 *
 * Environment: BENCH_EVENTS (default 1000000); BENCH_MODE `kafka` (default: the log is published
 * to the embedded broker of a test stack, then `strata rebuild --as-of latest` replays it in a
 * process of its own, RSS sampled from /proc) or `in-process` (the same BatchProjector fed the
 * same per-partition batches of Avro records in this process, without a broker);
 * BENCH_BATCH_BYTES, per-partition batch bytes in-process (default 1 MiB, the consumer's fetch
 * limit); BENCH_ROUNDS (default 3): rounds of projection then COPY, each into fresh schemas, judged
 * on the median of their ratios. See README.md.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import pino from 'pino';
import { Partitioners, type Kafka } from 'kafkajs';
import type { Knex } from 'knex';
import { EventSerde } from '@strata/contracts';
import { createKnex, migrateLatest } from '@strata/database';
import { createKafka, Topics } from '@strata/kafka';
import { StoredIdFilter } from '@strata/projection';
import { BatchProjector, dropBuild, unannouncedDeadLetters, type FetchedRecord } from '@strata/projector';
import { startTestStack, type TestStack } from '@strata/testing';
import {
  createBuildSchema,
  deferIndexes,
  dropBuildSchema,
  quotedSchema,
  restoreIndexes,
} from '@strata/views';
import { median } from '../statistics';
import { copyBaselineSeconds } from './copy-baseline';
import { mixedHistory } from './mixed-history';
import { RssSampler, rssOfProcess } from './rss-sampler';

const totalEvents = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const mode = process.env.BENCH_MODE ?? 'kafka';
const batchBytes = Number(process.env.BENCH_BATCH_BYTES ?? 2 ** 20);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const limit = 0.5;
/** Partitions per topic; the generator routes by key over this many, as the producer's partitioner would. */
const partitions = 6;
/** Events generated and encoded at a time (bounded memory however long the log). */
const generationChunk = 5000;
/** Kafka record overhead on top of key and value, roughly (so batches weigh what a fetch would). */
const recordOverheadBytes = 20;

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

interface EncodedRecord {
  topic: string;
  partition: number;
  key: string;
  record: FetchedRecord;
}

/** The mixed log as the producer would write it: Avro records with their key and partition, chunk by chunk. */
async function* encodedLog(serde: EventSerde): AsyncGenerator<EncodedRecord[]> {
  for (const events of mixedHistory(totalEvents, generationChunk)) {
    yield await Promise.all(
      events.map(async ({ position, event }) => {
        const { key, value } = await serde.encode(event);
        return {
          topic: position.topic,
          partition: position.partition,
          key,
          record: { offset: String(position.offset), timestamp: String(position.timestamp), value },
        };
      }),
    );
  }
}

/** Prints progress at each quarter of the log with the RSS peak of that quarter; returns those peaks. */
class QuarterReport {
  readonly peaks: number[] = [];
  private readonly marks = [0.25, 0.5, 0.75, 1].map((share) => Math.ceil(share * totalEvents));

  private readonly started = performance.now();

  /** `withHeap`: the projector runs in this process, so its JS heap is worth showing beside RSS. */
  constructor(
    private readonly rss: RssSampler,
    private readonly withHeap: boolean,
  ) {}

  progress(before: number, after: number): void {
    if (!this.marks.some((mark) => before < mark && after >= mark)) return;
    this.peaks.push(this.rss.takeWindowPeak());
    const seconds = (performance.now() - this.started) / 1000;
    const now = this.rss.sample();
    console.log(
      `  ${((100 * after) / totalEvents).toFixed(0).padStart(3)} %  ${String(after).padStart(9)} events  ` +
        `${(after / seconds).toFixed(0)} events/s  ${now > 0 ? `RSS now ${mib(now)}` : 'process exited'}, ` +
        `peak in this quarter ${mib(this.peaks[this.peaks.length - 1])}` +
        (this.withHeap ? `, JS heap used ${mib(process.memoryUsage().heapUsed)}` : ''),
    );
  }
}

/**
 * The consumer's batches without a broker: records of one partition at a time, cut when they
 * weigh the per-partition fetch limit, each projected by the BatchProjector in one transaction.
 * Returns the seconds spent projecting (encoding, the producer's work, is not counted).
 */
async function projectInProcess(
  knex: Knex,
  serde: EventSerde,
  schema: string,
  rss: RssSampler,
): Promise<number> {
  await createBuildSchema(knex, schema);
  const deferredIndexes = await deferIndexes(knex, schema); // as rebuild() does
  const projector = new BatchProjector({ knex, decoder: serde, deadLetters: unannouncedDeadLetters });
  const pending = new Map<
    string,
    { topic: string; partition: number; records: FetchedRecord[]; bytes: number }
  >();
  const checkpoints = new Map<string, number>();
  // As rebuild() does: the schema was just created, empty, and this loop is its only writer.
  const storedIds = new StoredIdFilter(3 * totalEvents);
  let seconds = 0;
  let projected = 0;
  const report = new QuarterReport(rss, true);
  const flush = async (key: string) => {
    const batch = pending.get(key)!;
    pending.delete(key);
    const started = performance.now();
    const result = await projector.project(schema, {
      topic: batch.topic,
      partition: batch.partition,
      records: batch.records,
      expectedNextOffset: checkpoints.get(key) ?? null,
      storedIds,
    });
    seconds += (performance.now() - started) / 1000;
    if (result.deadLetters.length > 0)
      throw new Error(`the mixed log is valid, yet: ${result.deadLetters[0].reason}`);
    checkpoints.set(key, result.nextOffset);
    report.progress(projected, (projected += batch.records.length));
  };
  for await (const chunk of encodedLog(serde)) {
    for (const { topic, partition, key: recordKey, record } of chunk) {
      const key = `${topic}:${partition}`;
      const batch = pending.get(key) ?? { topic, partition, records: [], bytes: 0 };
      pending.set(key, batch);
      batch.records.push(record);
      batch.bytes += record.value!.length + recordKey.length + recordOverheadBytes;
      if (batch.bytes >= batchBytes) await flush(key);
    }
  }
  for (const key of [...pending.keys()]) await flush(key);
  const started = performance.now();
  await restoreIndexes(knex, deferredIndexes);
  seconds += (performance.now() - started) / 1000;
  console.log(`  quarter RSS peaks: ${report.peaks.map(mib).join(', ')}`);
  return seconds;
}

/** Publishes the mixed log to the broker as the producers would (not timed). */
async function publish(kafka: Kafka, serde: EventSerde): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [Topics.items, Topics.runs, Topics.snapshots].map((topic) => ({
      topic,
      numPartitions: partitions,
    })),
  });
  await admin.disconnect();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    // Every message names its partition (the generator's routing); the partitioner is never asked.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const started = performance.now();
  try {
    for await (const chunk of encodedLog(serde)) {
      const byTopic = new Map<string, { key: string; value: Buffer; partition: number }[]>();
      for (const { topic, partition, key, record } of chunk) {
        const messages = byTopic.get(topic) ?? [];
        byTopic.set(topic, messages);
        // No timestamp: the broker's records carry the time of sending, as StrataProducer's do.
        messages.push({ key, value: record.value!, partition });
      }
      await producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
    }
  } finally {
    await producer.disconnect();
  }
  console.log(
    `  published ${totalEvents} events in ${((performance.now() - started) / 1000).toFixed(1)} s (not timed)`,
  );
}

/** Events the build has committed so far: the sum of its checkpoints (0 before it exists). */
async function committedEvents(knex: Knex, buildName: string): Promise<number> {
  const build = (await knex('strata.builds').where({ name: buildName }).first('schema_name')) as
    { schema_name: string } | undefined;
  if (!build) return 0;
  const { rows } = await knex.raw(
    `SELECT coalesce(sum(next_offset), 0)::bigint AS committed FROM ${quotedSchema(build.schema_name)}.checkpoints`,
  );
  return Number((rows as { committed: string }[])[0].committed);
}

/**
 * `strata rebuild --as-of latest` in a process of its own (the operator's command, unchanged),
 * its RSS sampled from /proc and its progress from the build's checkpoints. Returns the rebuild's
 * own timing (its last lines: `replayed N events in S s`), and the build's schema.
 */
async function rebuildWithCli(
  stack: TestStack,
  knex: Knex,
  buildName: string,
): Promise<{ seconds: number; schema: string; rss: RssSampler }> {
  // Run as an executable, as `npx strata` runs it: its first line gives node its flags.
  const child = spawn('bin/strata.js', ['rebuild', '--as-of', 'latest', '--into', buildName], {
    env: {
      ...process.env,
      DATABASE_URL: stack.databaseUrl,
      STRATA_KAFKA_BROKERS: stack.brokers.join(','),
      STRATA_SCHEMA_REGISTRY_URL: stack.registryUrl,
      STRATA_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const rss = new RssSampler(rssOfProcess(child.pid!));
  const report = new QuarterReport(rss, false);
  let polled = 0;
  const poller = setInterval(() => {
    committedEvents(knex, buildName).then(
      (committed) => {
        report.progress(polled, committed);
        polled = Math.max(polled, committed);
      },
      () => undefined, // the build's schema appears mid-rebuild; the next poll sees it
    );
  }, 250);
  const [code] = (await exited) as [number | null];
  clearInterval(poller);
  rss.stop();
  if (code !== 0) throw new Error(`strata rebuild exited with ${code}: ${output}`);
  report.progress(polled, await committedEvents(knex, buildName));
  console.log(`  quarter RSS peaks of the rebuild process: ${report.peaks.map(mib).join(', ')}`);
  const replayed = /replayed (\d+) events in ([\d.]+) s/.exec(output);
  const schema = /\(schema (\w+)\)/.exec(output);
  if (!replayed || !schema) throw new Error(`unexpected output of strata rebuild: ${output}`);
  if (Number(replayed[1]) !== totalEvents)
    throw new Error(`rebuild replayed ${replayed[1]} of ${totalEvents} events`);
  return { seconds: Number(replayed[2]), schema: schema[1], rss };
}

interface RoundResult {
  projectionRate: number;
  copyRate: number;
  ratio: number;
}

/**
 * One round: a projection into a fresh schema, then the COPY ceiling of its rows into another, back
 * to back so that both see the machine in the same state; both schemas are dropped after.
 */
async function measureRound(
  stack: TestStack,
  knex: Knex,
  serde: EventSerde,
  round: number,
): Promise<RoundResult> {
  let projection: { seconds: number; schema: string; rss: RssSampler };
  if (mode === 'kafka') {
    projection = await rebuildWithCli(stack, knex, `bench-${round}`);
  } else {
    const rss = new RssSampler();
    const schema = `build_in_process_${round}`;
    const seconds = await projectInProcess(knex, serde, schema, rss);
    rss.stop();
    projection = { seconds, schema, rss };
  }
  const copied = `build_copied_${round}`;
  await createBuildSchema(knex, copied);
  const copySeconds = copyBaselineSeconds(stack.databaseUrl, projection.schema, copied);
  const projectionRate = totalEvents / projection.seconds;
  const copyRate = totalEvents / copySeconds;
  console.log(
    mode === 'kafka'
      ? `strata rebuild (fetch, decode, project, write, checkpoint; one transaction per batch), its own timing:`
      : `projection (decode, project, write, checkpoint; one transaction per batch):`,
  );
  console.log(`  ${projectionRate.toFixed(0)} events/s (${projection.seconds.toFixed(1)} s)`);
  console.log(`COPY of the same event rows into the same tables (psql \\copy FROM file, one transaction):`);
  console.log(`  ${copyRate.toFixed(0)} events/s (${copySeconds.toFixed(1)} s)`);
  console.log(
    mode === 'kafka'
      ? `projector peak RSS ${mib(projection.rss.peak())} (the strata rebuild process)`
      : `projector peak RSS ${mib(projection.rss.peak())} (generator, encoder and projector in one process)`,
  );
  console.log(`round ${round} ratio ${(projectionRate / copyRate).toFixed(3)}`);
  if (mode === 'kafka') await dropBuild(knex, `bench-${round}`);
  else await dropBuildSchema(knex, projection.schema);
  await dropBuildSchema(knex, copied);
  return { projectionRate, copyRate, ratio: projectionRate / copyRate };
}

async function main(): Promise<void> {
  if (!Number.isInteger(totalEvents) || totalEvents < 1)
    throw new RangeError(`BENCH_EVENTS must be a positive integer, got ${process.env.BENCH_EVENTS}`);
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new RangeError(`BENCH_ROUNDS must be a positive integer, got ${process.env.BENCH_ROUNDS}`);
  if (mode !== 'kafka' && mode !== 'in-process')
    throw new RangeError(`BENCH_MODE must be kafka or in-process, got ${mode}`);
  const stack = await startTestStack({ label: 'bench_projection' });
  const knex = createKnex(stack.databaseUrl, { max: 2 });
  try {
    const serde = new EventSerde({ registryUrl: stack.registryUrl });
    await serde.start();
    await migrateLatest(knex);
    console.log(
      mode === 'kafka'
        ? `rebuild of ${totalEvents} mixed events from Kafka (embedded broker): \`strata rebuild --as-of latest\` in its own process`
        : `projection of ${totalEvents} mixed events in-process (BatchProjector, no broker), batches of ≤ ${mib(batchBytes)} per partition`,
    );
    if (mode === 'kafka') {
      await publish(
        createKafka({
          brokers: stack.brokers,
          clientId: 'bench-projection',
          logger: pino({ level: 'error' }),
        }),
        serde,
      );
    }
    const results: RoundResult[] = [];
    for (let round = 1; round <= rounds; round++) {
      console.log(`\nround ${round} of ${rounds}`);
      results.push(await measureRound(stack, knex, serde, round));
    }
    const ratio = median(results.map((result) => result.ratio));
    console.log(
      `\n${rounds} round(s): projection ${results.map((r) => r.projectionRate.toFixed(0)).join(' / ')} events/s, ` +
        `COPY ${results.map((r) => r.copyRate.toFixed(0)).join(' / ')} events/s, ` +
        `ratios ${results.map((r) => r.ratio.toFixed(3)).join(' / ')}`,
    );
    console.log(
      `ratio ${ratio.toFixed(2)} (median of ${rounds} round(s); limit ${limit}) ${ratio >= limit ? 'PASS' : 'FAIL'}`,
    );
  } finally {
    await knex.destroy();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
