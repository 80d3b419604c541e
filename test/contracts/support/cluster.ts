import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { EmbeddedBroker } from '@strata/kafka-broker';
import { EmbeddedRegistry } from '@strata/schema-registry';

/** One broker and one registry on free ports over a temporary data directory, restartable in place. */
export class TestCluster {
  readonly logger = pino({ level: process.env.STRATA_TEST_LOG_LEVEL ?? 'silent' });

  private constructor(
    readonly dataDir: string,
    public broker: EmbeddedBroker,
    public registry: EmbeddedRegistry,
  ) {}

  static async start(): Promise<TestCluster> {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'strata-contracts-'));
    const logger = pino({ level: process.env.STRATA_TEST_LOG_LEVEL ?? 'silent' });
    const broker = await EmbeddedBroker.start({ port: 0, dataDir, logger });
    const registry = await EmbeddedRegistry.start({ port: 0, brokers: [broker.bootstrap], logger });
    return new TestCluster(dataDir, broker, registry);
  }

  get registryUrl(): string {
    return this.registry.url;
  }

  async restartRegistry(): Promise<void> {
    await this.registry.stop();
    this.registry = await EmbeddedRegistry.start({
      port: 0,
      brokers: [this.broker.bootstrap],
      logger: this.logger,
    });
  }

  /** Stops both, then starts the broker on the same data directory and a registry on it. */
  async restartAll(): Promise<void> {
    await this.registry.stop();
    await this.broker.stop();
    this.broker = await EmbeddedBroker.start({ port: 0, dataDir: this.dataDir, logger: this.logger });
    this.registry = await EmbeddedRegistry.start({
      port: 0,
      brokers: [this.broker.bootstrap],
      logger: this.logger,
    });
  }

  async stop(): Promise<void> {
    await this.registry?.stop();
    await this.broker?.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}
