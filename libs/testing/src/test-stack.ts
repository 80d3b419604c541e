import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { loadConfig } from '@strata/config';
import { createTestDatabase } from './test-database';

/** The Kafka, schema registry and PostgreSQL database one integration suite runs against. */
export interface TestStack {
  /** Kafka bootstrap servers, `host:port`. */
  brokers: string[];
  /** Confluent-compatible schema registry, e.g. `http://127.0.0.1:43121`. */
  registryUrl: string;
  /** A fresh database of this stack alone (empty: run migrations if the test needs them). */
  databaseUrl: string;
  /** Whether Kafka and the registry came from the environment or were embedded for this stack. */
  kafka: 'embedded' | 'external';
  registry: 'embedded' | 'external';
  /**
   * `base` plus this stack's random suffix. Use it for consumer groups, subjects, namespaces and any
   * topic a test creates: on an external cluster several suites share the brokers and the registry.
   */
  uniqueName(base: string): string;
  /** Drops the database and stops whatever was embedded; safe to call twice. */
  stop(): Promise<void>;
}

export interface TestStackOptions {
  /** Readable part of the database and temp-dir names, e.g. the suite's name. */
  label?: string;
  /** Logger for the embedded parts; default silent (STRATA_TEST_LOG_LEVEL to see them). */
  logger?: Logger;
  /** Where STRATA_KAFKA_BROKERS, STRATA_SCHEMA_REGISTRY_URL and DATABASE_URL are read; default process.env. */
  env?: NodeJS.ProcessEnv;
}

type Stopper = () => Promise<void>;

async function stopAll(stoppers: Stopper[]): Promise<void> {
  const errors: unknown[] = [];
  for (const stop of [...stoppers].reverse()) {
    try {
      await stop();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'several parts of the test stack failed to stop');
}

/**
 * Starts (or connects to) what an integration suite needs. With STRATA_KAFKA_BROKERS and
 * STRATA_SCHEMA_REGISTRY_URL set, it uses that cluster and registry; otherwise it embeds a broker
 * (ephemeral port, temp dir) and a registry (ephemeral port) for this stack alone. The database is
 * always a fresh `strata_test_<label>_<random>` on the server DATABASE_URL names (default the local
 * one), dropped at `stop()`.
 */
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const config = loadConfig(options.env ?? process.env);
  const logger = options.logger ?? pino({ level: process.env.STRATA_TEST_LOG_LEVEL ?? 'silent' });
  const label = options.label ?? 'stack';
  const suffix = randomBytes(4).toString('hex');
  const stoppers: Stopper[] = [];
  try {
    const database = await createTestDatabase({ serverUrl: config.databaseUrl, label });
    stoppers.push(() => database.drop());

    let brokers = config.kafkaBrokers;
    if (!brokers) {
      const dataDir = await mkdtemp(path.join(tmpdir(), `strata-${label}-`));
      stoppers.push(() => rm(dataDir, { recursive: true, force: true }));
      // Imported here, not at the top: a suite pointed at an external cluster never loads the broker.
      const { EmbeddedBroker } = await import('@strata/kafka-broker');
      const broker = await EmbeddedBroker.start({ port: 0, dataDir, logger });
      stoppers.push(() => broker.stop());
      brokers = [broker.bootstrap];
    }

    let registryUrl = config.schemaRegistryUrl;
    if (!registryUrl) {
      const { EmbeddedRegistry } = await import('@strata/schema-registry');
      const registry = await EmbeddedRegistry.start({ port: 0, brokers, logger });
      stoppers.push(() => registry.stop());
      registryUrl = registry.url;
    }

    let stopped: Promise<void> | undefined;
    return {
      brokers,
      registryUrl,
      databaseUrl: database.url,
      kafka: config.kafkaBrokers ? 'external' : 'embedded',
      registry: config.schemaRegistryUrl ? 'external' : 'embedded',
      uniqueName: (base) => `${base}-${suffix}`,
      stop: () => (stopped ??= stopAll(stoppers)),
    };
  } catch (error) {
    await stopAll(stoppers).catch((stopError: unknown) =>
      logger.error({ err: stopError }, 'cleaning up a test stack that failed to start'),
    );
    throw error;
  }
}
