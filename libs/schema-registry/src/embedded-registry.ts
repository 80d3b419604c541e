import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { buildRegistryApp } from './http/registry-app';
import { KafkaSchemaLog } from './kafka-schema-log';
import { RegistryService } from './registry-service';
import type { SchemaLog } from './schema-log';

export interface EmbeddedRegistryOptions {
  /** 0 picks a free port; `url` then tells which. */
  port: number;
  /** Default 127.0.0.1. */
  host?: string;
  logger: Logger;
  /** Kafka bootstrap servers holding the `_schemas` topic. Either this or `log`. */
  brokers?: string[];
  /** Where records are kept instead of Kafka, e.g. an InMemorySchemaLog in unit tests. */
  log?: SchemaLog;
  /** The topic, default `_schemas`. */
  topic?: string;
}

/**
 * A Confluent-compatible schema registry in this process, durable in Kafka's `_schemas` topic: stop it,
 * start it again on the same brokers, and every subject, version and id is as it was.
 */
export class EmbeddedRegistry {
  private constructor(
    readonly url: string,
    private readonly close: () => Promise<void>,
  ) {}

  static async start(options: EmbeddedRegistryOptions): Promise<EmbeddedRegistry> {
    const logger = options.logger.child({ component: 'schema-registry' });
    if (!options.log && !options.brokers?.length) {
      throw new Error(
        'the embedded schema registry needs Kafka brokers (or a SchemaLog) to keep its schemas',
      );
    }
    const log =
      options.log ?? (await KafkaSchemaLog.open({ brokers: options.brokers!, logger, topic: options.topic }));
    try {
      const service = await RegistryService.open(log);
      const app = buildRegistryApp(service, logger);
      await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
      const address = app.server.address() as AddressInfo;
      const url = `http://${address.address}:${address.port}`;
      logger.info({ url, subjects: service.subjects().length }, 'schema registry listening');
      return new EmbeddedRegistry(url, async () => {
        await app.close();
        await service.close();
      });
    } catch (error) {
      await log.close();
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.close();
  }
}
