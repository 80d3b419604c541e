/**
 * An embedded broker and schema registry in a process of their own, for benchmarks: in production the
 * broker never shares the producer's CPU, so it must not share the benchmark's event loop either.
 * Prints one JSON line `{ "brokers": [...], "registryUrl": "..." }` when ready; stops on SIGTERM.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { EmbeddedBroker } from '@strata/kafka-broker';
import { EmbeddedRegistry } from '@strata/schema-registry';

async function main(): Promise<void> {
  const logger = pino({ level: 'warn' }, pino.destination(2));
  const dataDir = await mkdtemp(path.join(tmpdir(), 'strata-bench-broker-'));
  const broker = await EmbeddedBroker.start({ port: 0, dataDir, logger });
  const registry = await EmbeddedRegistry.start({ port: 0, brokers: [broker.bootstrap], logger });
  process.stdout.write(`${JSON.stringify({ brokers: [broker.bootstrap], registryUrl: registry.url })}\n`);
  process.once('SIGTERM', () => {
    void (async () => {
      await registry.stop();
      await broker.stop();
      await rm(dataDir, { recursive: true, force: true });
      process.exit(0);
    })();
  });
}

void main();
