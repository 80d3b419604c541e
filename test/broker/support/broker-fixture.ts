import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { EmbeddedBroker, type BrokerOptions } from '@strata/kafka-broker';

/** Broker logs stay quiet in tests unless STRATA_TEST_BROKER_LOG names a level. */
export const testLogger = () => pino({ level: process.env.STRATA_TEST_BROKER_LOG ?? 'silent' });

export function temporaryDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'strata-broker-test-'));
}

export interface TestBroker {
  broker: EmbeddedBroker;
  dataDir: string;
  kafka: Kafka;
  /** Stops the broker and starts it again on the same port and data directory. */
  restart(): Promise<void>;
  cleanup(): Promise<void>;
}

/** A broker on an ephemeral port in a fresh temporary directory, with a kafkajs client for it. */
export async function startTestBroker(options: Partial<BrokerOptions> = {}): Promise<TestBroker> {
  const dataDir = options.dataDir ?? temporaryDataDir();
  const start = (port: number) =>
    EmbeddedBroker.start({
      groupInitialRebalanceDelayMs: 100,
      logger: testLogger(),
      ...options,
      dataDir,
      port,
    });
  const fixture: TestBroker = {
    broker: await start(0),
    dataDir,
    kafka: undefined as unknown as Kafka,
    async restart() {
      const port = fixture.broker.port;
      await fixture.broker.stop();
      fixture.broker = await start(port);
    },
    async cleanup() {
      await fixture.broker.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  fixture.kafka = kafkaFor(fixture.broker.bootstrap);
  return fixture;
}

export function kafkaFor(bootstrap: string, clientId = 'broker-test'): Kafka {
  return new Kafka({
    clientId,
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 100, retries: 10 },
  });
}

/** Polls `condition` until it holds, failing with `description` after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean,
  description: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
