import 'reflect-metadata';
import { loadConfig } from '@strata/config';
import { createLogger } from '@strata/logging';
import { closeOnSignals } from '@strata/process';
import { startQueryApi } from './start';

/** Entry point of the query API as its own process (nest-cli project `query-api`). */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const api = await startQueryApi({ config, logger });
  closeOnSignals(logger, [() => api.close()]);
}

main().catch((error: unknown) => {
  process.stderr.write(`strata query-api: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
