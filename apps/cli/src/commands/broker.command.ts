import path from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '@strata/config';
import { EmbeddedBroker } from '@strata/kafka-broker';
import { createLogger } from '@strata/logging';
import { closeOnSignals } from '@strata/process';
import { configFrom } from '../options';

interface BrokerFlags {
  port?: string;
  dataDir?: string;
  host?: string;
  advertisedHost?: string;
  partitions?: string;
}

function positiveInteger(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new ConfigError(`${flag} must be a positive integer, got "${raw}"`);
  return Number(raw);
}

export function registerBroker(program: Command): void {
  program
    .command('broker')
    .description('run the embedded single-node Kafka broker in the foreground')
    .option('--port <port>', 'port to listen on (env STRATA_KAFKA_PORT)')
    .option(
      '--data-dir <dir>',
      'data directory; the broker keeps its log under <dir>/broker (env STRATA_DATA_DIR)',
    )
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--advertised-host <host>', 'host clients are told to connect to (default: the bound address)')
    .option('--partitions <n>', 'partitions of auto-created topics', '3')
    .action(async (flags: BrokerFlags) => {
      const config = configFrom({ kafkaPort: flags.port, dataDir: flags.dataDir });
      const logger = createLogger(config.logLevel);
      const broker = await EmbeddedBroker.start({
        port: config.kafkaPort,
        host: flags.host,
        advertisedHost: flags.advertisedHost,
        dataDir: path.join(config.dataDir, 'broker'),
        defaultPartitions: positiveInteger('--partitions', flags.partitions),
        logger,
      });
      closeOnSignals(logger, [() => broker.stop()]);
      logger.info({ bootstrap: broker.bootstrap }, 'broker ready; press Ctrl-C to stop');
    });
}
