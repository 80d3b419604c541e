import { InvalidArgumentError, type Command } from 'commander';
import { createKnex, ensureDatabase, migrateLatest } from '@strata/database';
import { createLogger } from '@strata/logging';
import { closeOnSignals, type Closer } from '@strata/process';
import { startGateway } from '../../../gateway/src/start';
import { configFrom, withConnectionOptions, type OverrideFlags } from '../options';

function byteCount(raw: string): number {
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1024) {
    throw new InvalidArgumentError('must be a whole number of bytes ≥ 1024');
  }
  return value;
}

export function registerGateway(program: Command): void {
  withConnectionOptions(program.command('gateway'))
    .description(
      'run the HTTP ingest gateway (events, OpenLineage, Label Studio webhooks) against running Kafka',
    )
    .option('--gateway-port <port>', 'port to listen on (env STRATA_GATEWAY_PORT)')
    .option('--host <host>', 'interface to listen on', '0.0.0.0')
    .option('--body-limit <bytes>', 'largest request body accepted', byteCount, 5 * 1024 * 1024)
    .action(async (flags: OverrideFlags & { bodyLimit: number; host: string }) => {
      const config = configFrom(flags);
      const logger = createLogger(config.logLevel);
      const closers: Closer[] = [];
      closeOnSignals(logger, closers);
      await ensureDatabase(config.databaseUrl);
      const knex = createKnex(config.databaseUrl, { max: 4, logger });
      closers.push(() => knex.destroy());
      await migrateLatest(knex);
      const gateway = await startGateway({
        config,
        logger,
        knex,
        host: flags.host,
        bodyLimitBytes: flags.bodyLimit,
      });
      closers.push(() => gateway.close());
      logger.info({ url: gateway.url, docs: `${gateway.url}/docs` }, 'gateway is up; press Ctrl-C to stop');
    });
}
