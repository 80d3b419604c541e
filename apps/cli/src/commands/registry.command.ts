import type { Command } from 'commander';
import { createLogger } from '@strata/logging';
import { closeOnSignals } from '@strata/process';
import { EmbeddedRegistry } from '@strata/schema-registry';
import { configFrom, type OverrideFlags } from '../options';

interface RegistryFlags extends OverrideFlags {
  port?: string;
  host: string;
}

export function registerRegistry(program: Command): void {
  program
    .command('registry')
    .description(
      'run the embedded Confluent-compatible schema registry in the foreground. It keeps its schemas in ' +
        'the `_schemas` topic of Kafka, so it needs a broker: --brokers (env STRATA_KAFKA_BROKERS), else the one `strata up` embeds on 127.0.0.1:STRATA_KAFKA_PORT',
    )
    .option('--port <port>', 'port to listen on (env STRATA_REGISTRY_PORT, default 8081)')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--brokers <list>', 'Kafka bootstrap servers host:port,… (env STRATA_KAFKA_BROKERS)')
    .option('--kafka-port <port>', 'port of the local broker when no --brokers (env STRATA_KAFKA_PORT)')
    .action(async (flags: RegistryFlags) => {
      const config = configFrom({ ...flags, registryPort: flags.port });
      const logger = createLogger(config.logLevel);
      const registry = await EmbeddedRegistry.start({
        port: config.registryPort,
        host: flags.host,
        brokers: config.kafkaBrokers ?? [`127.0.0.1:${config.kafkaPort}`],
        logger,
      });
      closeOnSignals(logger, [() => registry.stop()]);
      logger.info({ url: registry.url }, 'schema registry is up; press Ctrl-C to stop');
    });
}
