/**
 * `npm run soak [-- --seconds 600]`: the long soak, outside CI. Prints the report and exits 1 if
 * anything was lost, refused, failed or grew.
 */
import { Command, InvalidArgumentError } from 'commander';
import { startPlatform } from './support/platform';
import { grows, runSoak } from './support/soak';

function positive(raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError('must be a positive number');
  return value;
}

const options = new Command('soak')
  .option('--seconds <n>', 'how long to run', positive, 600)
  .option('--events-per-second <n>', 'labels written through the gateway each second', positive, 200)
  .option(
    '--reads-per-second <n>',
    'query API reads each second (the default per-key limit is 50/s)',
    positive,
    40,
  )
  .parse()
  .opts<{ seconds: number; eventsPerSecond: number; readsPerSecond: number }>();

async function main(): Promise<void> {
  const platform = await startPlatform({ label: 'soak' });
  try {
    process.stderr.write(`soaking for ${options.seconds} s…\n`);
    const report = await runSoak(platform, options);
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    const growing = Object.entries(report.memory).filter(([, trend]) => grows(trend));
    const ok =
      report.lost === 0 &&
      report.duplicated === 0 &&
      report.writeRefusals === 0 &&
      report.readErrors === 0 &&
      growing.length === 0;
    process.stdout.write(
      ok
        ? 'soak PASS\n'
        : `soak FAIL${growing.length ? ` (growing: ${growing.map(([part]) => part).join(', ')})` : ''}\n`,
    );
    process.exitCode = ok ? 0 : 1;
  } finally {
    await platform.stop();
  }
}

void main();
