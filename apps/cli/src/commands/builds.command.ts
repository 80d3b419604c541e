import type { Command } from 'commander';
import { createKnex, migrateLatest } from '@strata/database';
import { dropBuild, listBuilds, type Build } from '@strata/projector';
import { configFrom, withDatabaseOption, type OverrideFlags } from '../options';
import { reportingUsageErrors } from './rebuild.command';

/** A fixed-width table, one build per line, `*` marking the live one. */
export function formatBuildsTable(builds: readonly Build[]): string {
  const rows = builds.map((build) => [
    build.live ? '*' : '',
    build.name,
    build.schemaName,
    build.status,
    build.createdAt.toISOString(),
    build.target,
  ]);
  const header = ['live', 'name', 'schema', 'status', 'created', 'target'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

async function withKnex<T>(
  flags: OverrideFlags,
  work: (knex: ReturnType<typeof createKnex>) => Promise<T>,
): Promise<T> {
  const knex = createKnex(configFrom(flags).databaseUrl);
  try {
    await migrateLatest(knex);
    return await work(knex);
  } finally {
    await knex.destroy();
  }
}

export function registerBuilds(program: Command): void {
  const builds = program.command('builds').description('projection builds: one PostgreSQL schema each');
  withDatabaseOption(builds.command('list'))
    .description('list the builds; * marks the live one')
    .action((flags: OverrideFlags) =>
      withKnex(flags, async (knex) => {
        process.stdout.write(formatBuildsTable(await listBuilds(knex)));
      }),
    );
  withDatabaseOption(builds.command('drop'))
    .description('drop a build and its schema (never the live one)')
    .argument('<name>', 'build name')
    .action((name: string, flags: OverrideFlags) =>
      reportingUsageErrors('builds drop', () =>
        withKnex(flags, async (knex) => {
          await dropBuild(knex, name);
          process.stdout.write(`dropped build ${name}\n`);
        }),
      ),
    );
}
