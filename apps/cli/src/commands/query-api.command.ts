import type { Command } from 'commander';
import { createLogger } from '@strata/logging';
import { closeOnSignals } from '@strata/process';
import { startQueryApi } from '../../../query-api/src/start';
import { configFrom, withConnectionOptions, type OverrideFlags } from '../options';

export function registerQueryApi(program: Command): void {
  withConnectionOptions(program.command('query-api'))
    .description('serve the query API alone (REST over the live views; OpenAPI at /docs)')
    .option('--api-port <port>', 'port to listen on (env STRATA_API_PORT)')
    .option('--host <host>', 'interface to listen on', '0.0.0.0')
    .action(async (flags: OverrideFlags & { host: string }) => {
      const config = configFrom(flags);
      const logger = createLogger(config.logLevel);
      const api = await startQueryApi({ config, logger, host: flags.host });
      closeOnSignals(logger, [() => api.close()]);
    });
}
