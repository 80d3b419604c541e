import type { Command } from 'commander';
import { createKnex, migrateLatest } from '@strata/database';
import { createKafka } from '@strata/kafka';
import { createLogger } from '@strata/logging';
import {
  BuildError,
  findBuild,
  formatEndOffsets,
  liveBuild,
  projectedTopics,
  resolveEndOffsets,
} from '@strata/projector';
import { checksumBuild, type AsOf } from '@strata/views';
import { configFrom, withConnectionOptions, type OverrideFlags } from '../options';
import { kafkaEndpoints } from './projector.command';
import { parseTarget, reportingUsageErrors } from './rebuild.command';

interface VerifyFlags extends OverrideFlags {
  build?: string;
  asOf?: string;
}

export function registerVerify(program: Command): void {
  withConnectionOptions(program.command('verify'))
    .description('print a deterministic checksum of a build’s views (last line: checksum <hex>)')
    .option('--build <name>', 'build to checksum (default the live one)')
    .option(
      '--as-of <spec>',
      'only what the log held at: ISO time (resolved with Kafka, as rebuild does) | offsets:<topic>:<partition>=<offset>,… | latest',
    )
    .action((flags: VerifyFlags) =>
      reportingUsageErrors('verify', async () => {
        const target = parseTarget(flags.asOf ?? 'latest');
        const config = configFrom(flags);
        const knex = createKnex(config.databaseUrl);
        try {
          await migrateLatest(knex);
          const build = flags.build ? await findBuild(knex, flags.build) : await liveBuild(knex);
          if (!build) {
            throw new BuildError(
              flags.build ? `no build named "${flags.build}"` : 'there is no live build yet',
            );
          }
          let asOf: AsOf = target.kind === 'time' ? { kind: 'latest' } : target;
          if (target.kind === 'time') {
            // The same resolution as `strata rebuild --as-of <time>`, so both give the same checksum.
            const logger = createLogger(config.logLevel);
            const admin = createKafka({
              ...kafkaEndpoints(config),
              clientId: 'strata-verify',
              logger,
            }).admin();
            await admin.connect();
            try {
              const ends = await resolveEndOffsets(admin, projectedTopics, target);
              asOf = { kind: 'offsets', offsets: ends.map((end) => ({ ...end, offset: end.nextOffset })) };
              process.stdout.write(`as of ${formatEndOffsets(ends)}\n`);
            } finally {
              await admin.disconnect();
            }
          }
          process.stdout.write(`build ${build.name} (schema ${build.schemaName})\n`);
          process.stdout.write(`checksum ${await checksumBuild(knex, build.schemaName, asOf)}\n`);
        } finally {
          await knex.destroy();
        }
      }),
    );
}
