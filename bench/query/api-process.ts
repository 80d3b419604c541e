import 'reflect-metadata';
import pino from 'pino';
import { loadConfig } from '@strata/config';
import { startQueryApi } from '../../apps/query-api/src/start';

/**
 * The query API in its own process for the benchmark, so the load generator does not share its event
 * loop. Prints `{"url": …}` once listening; stops on SIGTERM.
 */
async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, STRATA_LOG_LEVEL: 'warn' });
  const api = await startQueryApi({
    config,
    logger: pino({ level: 'warn' }),
    port: 0,
    host: '127.0.0.1',
    // The load generator is one key; a rate limit would measure itself, not the API.
    limits: { rateLimit: { ratePerSecond: 1e9, burst: 1e9 } },
  });
  process.stdout.write(`${JSON.stringify({ url: api.url })}\n`);
  process.once('SIGTERM', () => void api.close().then(() => process.exit(0)));
}

void main();
