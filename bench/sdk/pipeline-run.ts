/**
 * One measured run of the benchmark's pipeline, in a process of its own (spawned by sdk.bench.ts), so
 * that no run inherits another's JIT state or heap: in one long process, the code paths compiled for
 * one configuration made the next one 20–40 % slower or faster, more than the effect measured.
 *
 * Argument: one JSON object ({@link RunRequest}). Prints one JSON line ({@link RunResult}).
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { connectStrataProducer, type RunRecorder, type StrataProducer } from '@strata/sdk';
import { runWorkload, type Workload } from './workloads';

export interface RunRequest {
  samples: number;
  workload: Workload;
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

async function measure(recorder: RunRecorder, request: RunRequest, samples: number): Promise<RunResult> {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const run = await runWorkload(request.workload, recorder, request.provenance, samples);
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
    await measure(recorder, request, warmUpSamples);
    const result = await measure(recorder, request, request.samples);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await producer?.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
