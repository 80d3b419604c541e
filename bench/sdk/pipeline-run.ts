/**
 * One measured run of the benchmark's pipeline, in a process of its own (spawned by sdk.bench.ts), so
 * that no run inherits another's JIT state or heap: in one long process, the code paths compiled for
 * one configuration made the next one 20–40 % slower or faster, more than the effect measured.
 *
 * Argument: one JSON object ({@link RunRequest}). Prints one JSON line ({@link RunResult}).
 */
import { createHash, randomUUID } from 'node:crypto';
import pino from 'pino';
import { connectStrataProducer, Pipeline, type RunRecorder, type StrataProducer } from '@strata/sdk';

export interface RunRequest {
  samples: number;
  bodyBytes: number;
  provenance: boolean;
  /** `stub`: a recorder that only counts events; `producer`: the real SDK producer. */
  recorder: 'stub' | 'producer';
  gzip?: boolean;
  brokers?: string[];
  registryUrl?: string;
}

export interface RunResult {
  /** This process's CPU time (user + system, all threads) over the measured run. */
  cpuMs: number;
  wallMs: number;
  provenanceEvents: number;
}

/** Samples of the warm-up run, so the measured run times compiled code. */
const warmUpSamples = 20_000;

interface Sample {
  itemId: string;
  body: Buffer;
}

/** The per-sample work of every step: hashing the body, a stand-in for decoding or tokenising. */
function work(body: Buffer): Buffer {
  return createHash('sha256').update(body).digest();
}

function* source(count: number, bodyBytes: number): Iterable<Sample> {
  const body = Buffer.alloc(bodyBytes, 7);
  for (let index = 0; index < count; index++) yield { itemId: `item-${index}`, body };
}

/** A RunRecorder that only counts events: no validation, no Avro, no Kafka. */
function countingRecorder(): RunRecorder {
  const ack = { eventId: '', topic: '', partition: 0, offset: '0' };
  return {
    defaults: {
      namespace: 'bench',
      producer: { name: 'bench', version: '1' },
      actor: { kind: 'SERVICE', id: 'bench' },
    },
    startRun: async () => ({ ...ack, runId: randomUUID() }),
    applyTransformation: async () => ({ ...ack, stepId: randomUUID() }),
    completeRun: async () => ack,
  };
}

/** map (new item id) → filter (keeps all, same id) → flatMap (one output, same id), each hashing the body. */
async function runPipeline(recorder: RunRecorder, request: RunRequest, samples: number): Promise<RunResult> {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const run = await Pipeline.start<Sample>(recorder, { job: 'bench', provenance: request.provenance })
    .map('hash', (sample) => {
      work(sample.body);
      return { itemId: `${sample.itemId}:h`, body: sample.body };
    })
    .filter('keep', (sample) => work(sample.body)[0] !== 256)
    .flatMap('expand', (sample) => {
      work(sample.body);
      return [sample];
    })
    .run(source(samples, request.bodyBytes));
  const cpu = process.cpuUsage(cpuStart);
  return {
    cpuMs: (cpu.user + cpu.system) / 1000,
    wallMs: performance.now() - wallStart,
    provenanceEvents: run.steps.reduce((sum, step) => sum + step.provenanceEvents, 0),
  };
}

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2]) as RunRequest;
  let producer: StrataProducer | undefined;
  if (request.recorder === 'producer') {
    producer = await connectStrataProducer({
      brokers: request.brokers!,
      registryUrl: request.registryUrl!,
      logger: pino({ level: 'error' }),
      gzip: request.gzip,
      defaults: countingRecorder().defaults,
    });
  }
  try {
    const recorder = producer ?? countingRecorder();
    await runPipeline(recorder, request, warmUpSamples);
    const result = await runPipeline(recorder, request, request.samples);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await producer?.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
