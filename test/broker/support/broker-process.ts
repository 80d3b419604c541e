// Runs one broker in its own process (for SIGKILL tests and the benchmark):
//   node -r @swc-node/register test/broker/support/broker-process.ts <dataDir> [port]
// Prints {"bootstrap": "host:port"} on stdout once it listens, and {"cpuMicros": n} (its CPU time so
// far) whenever it gets SIGUSR2, which the benchmark uses to measure the broker's own cost.
import pino from 'pino';
import { EmbeddedBroker } from '@strata/kafka-broker';

async function main(): Promise<void> {
  const [dataDir, port = '0'] = process.argv.slice(2);
  const broker = await EmbeddedBroker.start({
    dataDir,
    port: Number(port),
    groupInitialRebalanceDelayMs: 100,
    logger: pino({ level: process.env.STRATA_TEST_BROKER_LOG ?? 'warn' }, pino.destination(2)),
  });
  process.stdout.write(`${JSON.stringify({ bootstrap: broker.bootstrap })}\n`);
  process.once('SIGTERM', () => void broker.stop().then(() => process.exit(0)));
  process.on('SIGUSR2', () => {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ cpuMicros: user + system })}\n`);
  });
}

void main();
