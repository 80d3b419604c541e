/**
 * SDK and gateway benchmarks (shared/DESIGN.md, "Performance targets"). Run from the repository root:
 *
 *   SWC_NODE_PROJECT=tsconfig.json node -r @swc-node/register bench/sdk/sdk.bench.ts \
 *     [--samples 1000000] [--rounds 5] [--workloads text,hash:512,hash:4096] [--compression gzip|none|none,gzip]
 *
 * 1. Provenance capture overhead: the same 3-step pipeline with and without per-sample provenance, on
 *    each workload of bench/sdk/workloads.ts. Every run is a process of its own (a warm-up, then the
 *    measured run), rounds alternate which goes first, and the figure is the run's CPU time (all its
 *    threads: zlib's pool, GC). Each round's two runs are compared with each other and the target is
 *    judged on the median of those rounds: this host's speed drifts by 10–20 % over minutes, and one
 *    process's JIT by as much again, more than the effect measured; the two runs of a round at least
 *    share their minute.
 *    The target is judged on the `text` workload, a real (if cheap) preprocessing pipeline: normalise,
 *    quality filter, tokenise into windows. The `hash` workloads are lighter than any real step
 *    (hashing 512 B or 4 KiB, ≈ 2–6 µs a sample): they show provenance's cost at its largest share and
 *    are printed as diagnostics. The overhead is also printed per sample and step in ns, with the
 *    lightest step it would be 3 % of were it a fixed price per sample (an extrapolation: see verdict).
 *    a) "capture only": events go to a recorder stub that only counts them (id extraction, run-length
 *       pairing, chunking, packing the ids), without validation, Avro and Kafka.
 *    b) "end to end": the real producer — validation, Avro through the schema registry, idempotent
 *       acks=all batches (gzip, the SDK's default, unless --compression says otherwise) to a broker in
 *       its own process (the embedded broker and registry, bench/sdk/broker-process.ts).
 * 2. Gateway ingest: events/s through POST /v1/events under load (autocannon), against the same
 *    broker, with 1 and with 100 events per request.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import pino from 'pino';
import { ApiKeyStore } from '@strata/auth';
import { loadConfig } from '@strata/config';
import { createKnex, migrateLatest } from '@strata/database';
import { createTestDatabase } from '@strata/testing';
import { ensureStrataTopics } from '../../test/sdk/support/topics';
import { startGateway } from '../../apps/gateway/src/start';
import { median } from '../statistics';
import type { RunRequest, RunResult } from './pipeline-run';
import { describeWorkload, isJudged, type Workload } from './workloads';

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? process.argv[at + 1] : fallback;
}

const samples = Number(argument('samples', '1000000'));
const rounds = Number(argument('rounds', '5'));
/** `text` (the judged workload) and `hash:<bytes>` (light-step diagnostics); see bench/sdk/workloads.ts. */
const workloads: Workload[] = argument('workloads', 'text,hash:512,hash:4096')
  .split(',')
  .map((name) => {
    if (name === 'text') return { kind: 'text' };
    const bodyBytes = Number(/^hash:(\d+)$/.exec(name)?.[1]);
    if (!Number.isInteger(bodyBytes) || bodyBytes < 1) {
      throw new Error(`--workloads: "${name}" is neither text nor hash:<bytes>`);
    }
    return { kind: 'hash', bodyBytes };
  });
const compressions = argument('compression', 'gzip').split(',');

/** Runs bench/sdk/pipeline-run.ts in a fresh process and returns its measured run. */
async function measuredRun(request: RunRequest): Promise<RunResult> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', path.join(__dirname, 'pipeline-run.ts'), JSON.stringify(request)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout });
  const [line] = (await once(lines, 'line')) as [string];
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`pipeline run exited with ${code}: ${JSON.stringify(request)}`);
  return JSON.parse(line) as RunResult;
}

/**
 * Runs the pipeline without and with provenance, `rounds` times each, alternating which goes first;
 * prints the overhead of each round's pair, and returns their median.
 */
async function compare(
  label: string,
  request: Omit<RunRequest, 'provenance' | 'samples'>,
): Promise<{ percent: number; nsPerSampleStep: number }> {
  const pairs: { without: RunResult; withCapture: RunResult }[] = [];
  for (let round = 0; round < rounds; round++) {
    const pair: Partial<{ without: RunResult; withCapture: RunResult }> = {};
    for (const provenance of round % 2 === 0 ? [false, true] : [true, false]) {
      const result = await measuredRun({ ...request, samples, provenance });
      pair[provenance ? 'withCapture' : 'without'] = result;
    }
    pairs.push(pair as { without: RunResult; withCapture: RunResult });
  }
  const sampleSteps = samples * 3;
  const overheadOf = (measure: 'cpuMs' | 'wallMs') => {
    const percents = pairs.map(
      ({ without, withCapture }) => ((withCapture[measure] - without[measure]) / without[measure]) * 100,
    );
    const nanoseconds = pairs.map(
      ({ without, withCapture }) => ((withCapture[measure] - without[measure]) * 1e6) / sampleSteps,
    );
    return { percents, percent: median(percents), nsPerSampleStep: median(nanoseconds) };
  };
  const describe = (name: string, measure: 'cpuMs' | 'wallMs') => {
    const { percents, percent, nsPerSampleStep } = overheadOf(measure);
    const base = median(pairs.map((pair) => pair.without[measure]));
    return (
      `${name}: median overhead ${percent.toFixed(2)} % (rounds: ${percents.map((value) => value.toFixed(1)).join(' / ')} %), ` +
      `${nsPerSampleStep.toFixed(0)} ns per sample per step over a baseline of ${((base * 1e6) / sampleSteps).toFixed(0)} ns`
    );
  };
  const spread = (runs: RunResult[]) =>
    `${Math.min(...runs.map((run) => run.cpuMs)).toFixed(0)}–${Math.max(...runs.map((run) => run.cpuMs)).toFixed(0)} ms`;
  const cpu = overheadOf('cpuMs');
  const spreadPercent = baselineSpread(pairs.map((pair) => pair.without.cpuMs));
  console.log(
    `${label}, ${describeWorkload(request.workload)}, ${pairs[0].withCapture.provenanceEvents} provenance events, ` +
      `${rounds} rounds (CPU time without ${spread(pairs.map((pair) => pair.without))}, with ${spread(pairs.map((pair) => pair.withCapture))}):\n` +
      `  ${describe('CPU time', 'cpuMs')}\n` +
      `  ${describe('wall time', 'wallMs')}\n` +
      `  baseline run-to-run spread ±${spreadPercent.toFixed(1)} % (median absolute deviation of its CPU times)` +
      `${Math.abs(cpu.percent) < spreadPercent ? ': the overhead is within it, not resolved by these rounds' : ''}\n` +
      `  → ${isJudged(request.workload) ? 'target ≤ 3 % (median CPU overhead)' : 'diagnostic, not judged'}: ${verdict(cpu)}`,
  );
  return cpu;
}

/**
 * How far one run of the same configuration strays from another, as a share of their median: the
 * noise an overhead must exceed to be told apart from it.
 */
function baselineSpread(cpuMs: number[]): number {
  const middle = median(cpuMs);
  return (median(cpuMs.map((value) => Math.abs(value - middle))) / middle) * 100;
}

/**
 * Met or not, and the lightest step the cost would be 3 % of if it were a fixed price per sample and
 * step. It is not quite (in some processes that record provenance the text workload's own steps run
 * slower, libs/sdk/README.md), so this is an extrapolation to hold against a pipeline's own steps, not
 * a promise.
 */
function verdict({ percent, nsPerSampleStep }: { percent: number; nsPerSampleStep: number }): string {
  const met = percent <= 3 ? 'met' : 'NOT met';
  if (nsPerSampleStep <= 0) return `${met}; no measurable cost per sample and step`;
  const lightest = (nsPerSampleStep * 100) / 3 / 1000;
  return `${met}; at this cost per sample and step, 3 % of steps from ${lightest.toFixed(1)} µs a sample (extrapolated)`;
}

async function benchGateway(
  brokers: string[],
  registryUrl: string,
  databaseUrl: string,
  logger: pino.Logger,
): Promise<void> {
  const knex = createKnex(databaseUrl, { max: 4 });
  await migrateLatest(knex);
  const { key } = await new ApiKeyStore(knex).create({ name: 'bench', scopes: ['write'], namespaces: ['*'] });
  // The per-key rate limit (200 requests/s by default) would measure the limiter, not the ingest path.
  const gateway = await startGateway({
    config: loadConfig({}),
    logger,
    brokers,
    registryUrl,
    port: 0,
    knex,
    rateLimit: { ratePerSecond: 1_000_000, burst: 1_000_000 },
  });
  try {
    for (const eventsPerRequest of [1, 100]) {
      const body = JSON.stringify(
        Array.from({ length: eventsPerRequest }, (_, index) => ({
          type: 'LabelCreated',
          event: {
            envelope: {
              eventId: randomUUID(),
              eventTime: Date.now(),
              namespace: 'bench',
              producer: { name: 'bench', version: '1' },
              actor: { kind: 'HUMAN', id: 'bench' },
            },
            itemId: `item-${index}`,
            labelId: randomUUID(),
            task: 'class',
            payload: '{"class":"car"}',
            author: { kind: 'HUMAN', id: 'bench' },
          },
        })),
      );
      const result = await autocannon({
        url: `${gateway.url}/v1/events`,
        method: 'POST',
        connections: 16,
        duration: 10,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body,
      });
      // Only acknowledged events count: a refused request is not ingest.
      const acceptedPerSecond = result['2xx'] / result.duration;
      const eventsPerSecond = acceptedPerSecond * eventsPerRequest;
      console.log(
        `gateway ingest, ${eventsPerRequest} event(s) per request, 16 connections, 10 s: ` +
          `${acceptedPerSecond.toFixed(0)} accepted requests/s = ${eventsPerSecond.toFixed(0)} events/s; ` +
          `latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms; non-2xx ${result.non2xx}, errors ${result.errors}`,
      );
    }
  } finally {
    await gateway.close();
    await knex.destroy();
  }
}

async function main(): Promise<void> {
  const logger = pino({ level: process.env.STRATA_LOG_LEVEL ?? 'warn' });
  console.log(
    `SDK pipeline benchmark: ${samples} samples × 3 steps, each run in its own process, ${rounds} rounds`,
  );
  for (const workload of workloads) {
    await compare('1a capture only (recorder stub that counts events; no validation, Avro or Kafka)', {
      recorder: 'stub',
      workload,
    });
  }

  const broker = await startBrokerProcess();
  const database = await createTestDatabase({ label: 'sdk_bench' });
  const summary: string[] = [];
  try {
    await ensureStrataTopics(broker.brokers, logger);
    for (const compression of compressions) {
      const gzip = compression === 'gzip';
      const described = gzip ? 'gzip batches (the SDK default)' : 'uncompressed batches';
      for (const workload of workloads) {
        const overhead = await compare(
          `1b end to end (validation, Avro, acks=all to the broker in its own process, ${described})`,
          { recorder: 'producer', brokers: broker.brokers, registryUrl: broker.registryUrl, gzip, workload },
        );
        summary.push(
          `  ${isJudged(workload) ? 'JUDGED ' : 'diagnostic '}${describeWorkload(workload)}, ${described}: ` +
            `${overhead.percent.toFixed(2)} % (${overhead.nsPerSampleStep.toFixed(0)} ns per sample per step) → ${verdict(overhead)}`,
        );
      }
    }
    console.log(
      `end-to-end provenance overhead, median of ${rounds} paired rounds (CPU time), target ≤ 3 %:\n${summary.join('\n')}`,
    );
    await benchGateway(broker.brokers, broker.registryUrl, database.url, logger);
  } finally {
    await database.drop();
    await broker.stop();
  }
}

/** Starts bench/sdk/broker-process.ts and waits for its address line. */
async function startBrokerProcess(): Promise<{
  brokers: string[];
  registryUrl: string;
  stop(): Promise<void>;
}> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', path.join(__dirname, 'broker-process.ts')],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const address = JSON.parse(line) as { brokers: string[]; registryUrl: string };
  return {
    ...address,
    async stop() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
