import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { createKnex, migrateLatest, type Migration } from '@strata/database';
import { completeBuild, createBuild, type Build } from '@strata/projector';
import { createTestDatabase, runCli, type TestDatabase } from '@strata/testing';
import { sampleGroupsMigration } from '../../libs/views/src/migrations/0003_sample_groups';
import { artifactLookupMigration } from '../../libs/views/src/migrations/0004_artifact_lookup';

let database: TestDatabase;
let knex: Knex;

beforeAll(async () => {
  database = await createTestDatabase({ label: 'cli_migrate' });
  knex = createKnex(database.url);
  await migrateLatest(knex);
});
afterAll(async () => {
  await knex?.destroy();
  await database?.drop();
});

/** Takes the view migrations `later` (newest first) back out of a build, as if made before them. */
async function withoutMigrations(build: Build, later: ((schemaName: string) => Migration)[]): Promise<void> {
  for (const migration of later) {
    const undone = migration(build.schemaName);
    await undone.down(knex);
    await knex.withSchema(build.schemaName).table('knex_migrations').where({ name: undone.name }).delete();
  }
}

/** A finished build as an earlier version left it: without the view migrations added since 0002. */
async function buildOfAnEarlierVersion(name: string): Promise<Build> {
  const build = await createBuild(knex, { name, target: 'latest' });
  await completeBuild(knex, name, 'latest');
  await withoutMigrations(build, [artifactLookupMigration, sampleGroupsMigration]);
  return build;
}

/** The builds `strata migrate` logged (pino, JSON lines on stderr) as migrated, with what it applied. */
const migratedBuilds = (log: string) =>
  log
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string; build?: string; applied?: string[] })
    .filter((entry) => entry.msg === 'build migrated')
    .map(({ build, applied }) => ({ build, applied }));

const migrationsOf = (build: Build) =>
  knex.withSchema(build.schemaName).table('knex_migrations').orderBy('id').pluck('name');

describe('strata migrate', () => {
  it("brings every finished build up to this version's view migrations, and leaves one being built alone", async () => {
    const older = await buildOfAnEarlierVersion('older');
    const building = await createBuild(knex, { name: 'in_progress', target: 'latest' });
    await withoutMigrations(building, [artifactLookupMigration]);

    const { code, stderr } = await runCli(['migrate'], { DATABASE_URL: database.url });
    expect(code).toBe(0);
    expect(migratedBuilds(stderr)).toEqual([
      { build: 'older', applied: ['0003_sample_groups', '0004_artifact_lookup'] },
    ]);
    expect(await migrationsOf(older)).toEqual([
      '0001_views',
      '0002_processed_events',
      '0003_sample_groups',
      '0004_artifact_lookup',
    ]);
    const { rows } = await knex.raw(
      `SELECT 1 FROM information_schema.columns WHERE table_schema = ? AND table_name = 'lineage_edges' AND column_name = 'sample_groups'`,
      [older.schemaName],
    );
    expect(rows).toHaveLength(1);
    expect(await migrationsOf(building)).not.toContain('0004_artifact_lookup');

    const again = await runCli(['migrate'], { DATABASE_URL: database.url });
    expect(again.code).toBe(0);
    expect(migratedBuilds(again.stderr)).toEqual([]);
  });
});
