// Run: SWC_NODE_PROJECT=tsconfig.json node -r @swc-node/register bench/broker/broker.bench.ts [messages]
/*
 * Produces and fetches 1M 200-byte messages through kafkajs against the embedded broker running in a
 * child process (so client and broker do not share one event loop), and sets the broker's rates
 * beside kafkajs's own RecordBatch encode/decode rate for the same messages, measured in this run.
 *
 * Wall-clock rates through kafkajs are bounded by the client, so the broker's capacity is measured
 * by its CPU time: messages per broker CPU-second. Ratio = broker capacity / client limit; ≥ 1 means
 * the broker is never the bottleneck.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { kafkaFor } from '../../test/broker/support/broker-fixture';
import { killChild, startChildBroker, type ChildBroker } from '../../test/broker/support/child-broker';

/* eslint-disable @typescript-eslint/no-require-imports -- kafkajs internals have no typings */
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (batch: object) => Promise<{ buffer: Buffer }>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: object) => unknown;
const decodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (
  decoder: unknown,
) => Promise<{ records: unknown[] }>;
const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => unknown;
/* eslint-enable @typescript-eslint/no-require-imports */

const MESSAGE_COUNT = Number(process.argv[2] ?? 1_000_000);
const MESSAGE_BYTES = 200;
const BATCH_SIZE = 1_000;
const PARTITIONS = 4;
const IN_FLIGHT_SENDS = 4;
const TOPIC = 'bench.broker';

const seconds = (startNs: bigint) => Number(process.hrtime.bigint() - startNs) / 1e9;

function makeBatches(): Buffer[][] {
  const payload = Buffer.alloc(MESSAGE_BYTES * 2, 'strata-broker-bench-');
  const batches: Buffer[][] = [];
  for (let start = 0; start < MESSAGE_COUNT; start += BATCH_SIZE) {
    const size = Math.min(BATCH_SIZE, MESSAGE_COUNT - start);
    batches.push(
      Array.from({ length: size }, (_, i) =>
        payload.subarray(i % MESSAGE_BYTES, (i % MESSAGE_BYTES) + MESSAGE_BYTES),
      ),
    );
  }
  return batches;
}

/** kafkajs's own limit: RecordBatch encoding and decoding of the same messages, in this process. */
async function clientLimits(batches: Buffer[][]): Promise<{ encodeSeconds: number; decodeSeconds: number }> {
  const encodeStart = process.hrtime.bigint();
  const encoded: Buffer[] = [];
  for (const values of batches) {
    const now = Date.now();
    const records = values.map((value, offsetDelta) =>
      Record({ offsetDelta, timestampDelta: 0, key: null, value }),
    );
    const batch = await RecordBatch({
      records,
      firstTimestamp: now,
      maxTimestamp: now,
      lastOffsetDelta: values.length - 1,
    });
    encoded.push(batch.buffer);
  }
  const encodeSeconds = seconds(encodeStart);
  const decodeStart = process.hrtime.bigint();
  let decoded = 0;
  for (const buffer of encoded) decoded += (await decodeRecordBatch(new Decoder(buffer))).records.length;
  const decodeSeconds = seconds(decodeStart);
  if (decoded !== MESSAGE_COUNT) throw new Error(`decoded ${decoded} of ${MESSAGE_COUNT}`);
  return { encodeSeconds, decodeSeconds };
}

async function brokerCpuSeconds(child: ChildBroker): Promise<number> {
  const report = new Promise<string>((resolve) => child.lines.once('line', resolve));
  child.process.kill('SIGUSR2');
  return (JSON.parse(await report) as { cpuMicros: number }).cpuMicros / 1e6;
}

async function main(): Promise<void> {
  const batches = makeBatches();
  const limits = await clientLimits(batches);

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-broker-bench-'));
  const child = await startChildBroker(dataDir);
  try {
    const kafka = kafkaFor(child.bootstrap, 'broker-bench');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
    await admin.disconnect();

    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    let cpuBefore = await brokerCpuSeconds(child);
    const produceStart = process.hrtime.bigint();
    let next = 0;
    const sender = async () => {
      while (next < batches.length) {
        const index = next++;
        const messages = batches[index].map((value) => ({ value, partition: index % PARTITIONS }));
        await producer.send({ topic: TOPIC, acks: -1, messages });
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT_SENDS }, sender));
    const produceSeconds = seconds(produceStart);
    const produceCpu = (await brokerCpuSeconds(child)) - cpuBefore;
    await producer.disconnect();

    const consumer = kafka.consumer({
      groupId: 'bench',
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxBytes: 16 * 1024 * 1024,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    let consumed = 0;
    let fetchStart = 0n;
    cpuBefore = await brokerCpuSeconds(child);
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          if (fetchStart === 0n) fetchStart = process.hrtime.bigint();
          consumed += batch.messages.length;
          if (consumed >= MESSAGE_COUNT) resolve();
        },
      });
    });
    const groupJoinStart = process.hrtime.bigint();
    await done;
    const fetchSeconds = seconds(fetchStart === 0n ? groupJoinStart : fetchStart);
    const fetchCpu = (await brokerCpuSeconds(child)) - cpuBefore;
    await consumer.disconnect();

    const megabytes = (MESSAGE_COUNT * MESSAGE_BYTES) / 1e6;
    const rate = (secondsTaken: number) => MESSAGE_COUNT / secondsTaken;
    const row = (name: string, secondsTaken: number) =>
      `${name.padEnd(44)} ${Math.round(rate(secondsTaken)).toLocaleString('en').padStart(12)} msgs/s ${(megabytes / secondsTaken).toFixed(1).padStart(8)} MB/s`;
    console.log(
      `broker benchmark: ${MESSAGE_COUNT.toLocaleString('en')} messages of ${MESSAGE_BYTES} bytes, ${PARTITIONS} partitions, batches of ${BATCH_SIZE}, acks=-1, broker in a child process`,
    );
    console.log(row('kafkajs RecordBatch encode (client limit)', limits.encodeSeconds));
    console.log(row('kafkajs RecordBatch decode (client limit)', limits.decodeSeconds));
    console.log(row('produce via kafkajs, wall clock', produceSeconds));
    console.log(row('produce, broker capacity (per CPU-second)', produceCpu));
    console.log(row('fetch via kafkajs, wall clock', fetchSeconds));
    console.log(row('fetch, broker capacity (per CPU-second)', fetchCpu));
    console.log(
      `produce ratio (broker capacity / kafkajs encode): ${(limits.encodeSeconds / produceCpu).toFixed(2)} (target ≥ 1)`,
    );
    console.log(
      `fetch ratio   (broker capacity / kafkajs decode): ${(limits.decodeSeconds / fetchCpu).toFixed(2)} (target ≥ 1)`,
    );
    console.log(
      `wall-clock produce / encode: ${(limits.encodeSeconds / produceSeconds).toFixed(2)}, fetch / decode: ${(limits.decodeSeconds / fetchSeconds).toFixed(2)} (bounded by the client)`,
    );
  } finally {
    await killChild(child.process, 'SIGTERM');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
