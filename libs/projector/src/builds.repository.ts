import type { Knex } from 'knex';
import { createBuildSchema, dropBuildSchema } from '@strata/views';

/** One projection build as `strata.builds` records it, with whether it is the live one. */
export interface Build {
  name: string;
  schemaName: string;
  /** `live` for a build the live projector follows from the start, else the resolved offset vector. */
  target: string;
  /** `building` → `complete`; `live` while the live projector writes it; `superseded` after a swap. */
  status: string;
  createdAt: Date;
  completedAt: Date | null;
  live: boolean;
}

/** A build name an operator gave is unusable or names nothing; the message says which. */
export class BuildError extends Error {
  override name = 'BuildError';
}

const buildNamePattern = /^[a-z0-9][a-z0-9_-]{0,47}$/;

/** The schema of a build: `build_` + its name, `-` as `_` (PostgreSQL identifiers without quoting). */
export function schemaNameOf(buildName: string): string {
  if (!buildNamePattern.test(buildName)) {
    throw new BuildError(
      `build name "${buildName}" must be 1-48 lowercase letters, digits, - or _, starting with a letter or digit`,
    );
  }
  return `build_${buildName.replace(/-/g, '_')}`;
}

/** `<prefix>-<UTC time to the millisecond>`, e.g. `rebuild-20261123114500123`. */
export function timestampedBuildName(prefix: string, now: Date): string {
  return `${prefix}-${now.toISOString().replace(/\D/g, '')}`;
}

const statements = {
  list: `
    SELECT b.name, b.schema_name, b.target, b.status, b.created_at, b.completed_at,
           (l.build_name IS NOT NULL) AS live
      FROM strata.builds b LEFT JOIN strata.live_build l ON l.build_name = b.name
     ORDER BY b.created_at, b.name`,
  live: `
    SELECT b.name, b.schema_name, b.target, b.status, b.created_at, b.completed_at, true AS live
      FROM strata.live_build l JOIN strata.builds b ON b.name = l.build_name`,
};

interface BuildRow {
  name: string;
  schema_name: string;
  target: string;
  status: string;
  created_at: Date;
  completed_at: Date | null;
  live: boolean;
}

const buildOf = (row: BuildRow): Build => ({
  name: row.name,
  schemaName: row.schema_name,
  target: row.target,
  status: row.status,
  createdAt: row.created_at,
  completedAt: row.completed_at,
  live: row.live,
});

export async function listBuilds(knex: Knex): Promise<Build[]> {
  const { rows } = await knex.raw(statements.list);
  return (rows as BuildRow[]).map(buildOf);
}

export async function findBuild(knex: Knex, name: string): Promise<Build | undefined> {
  return (await listBuilds(knex)).find((build) => build.name === name);
}

export async function liveBuild(db: Knex | Knex.Transaction): Promise<Build | undefined> {
  const { rows } = await db.raw(statements.live);
  return rows[0] ? buildOf(rows[0] as BuildRow) : undefined;
}

/** The live build's schema, or undefined if there is none (the projector was never started). */
export async function liveSchemaName(knex: Knex): Promise<string | undefined> {
  return (await liveBuild(knex))?.schemaName;
}

/**
 * Registers a build and creates its schema with every table. Refuses a name that is taken. The row
 * is written first, so a build whose schema creation failed is listed (status `building`) and can be
 * dropped.
 */
export async function createBuild(
  knex: Knex,
  build: { name: string; target: string; status?: string },
): Promise<Build> {
  const schemaName = schemaNameOf(build.name);
  try {
    await knex('strata.builds').insert({
      name: build.name,
      schema_name: schemaName,
      target: build.target,
      status: build.status ?? 'building',
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      throw new BuildError(`a build named "${build.name}" (or with schema ${schemaName}) already exists`);
    }
    throw error;
  }
  await createBuildSchema(knex, schemaName);
  return (await findBuild(knex, build.name))!;
}

/**
 * Brings every finished build (live, complete or superseded) up to this version's view migrations,
 * returning what each newly applied. Each build migrates on its own, so one made by an earlier
 * version lacks what was added since, and readers and the live projector would fail on it. A build
 * still `building` is left alone: its rebuild, made by the version that created it, owns the schema.
 */
export async function migrateBuilds(knex: Knex): Promise<{ build: string; applied: string[] }[]> {
  const migrated: { build: string; applied: string[] }[] = [];
  for (const build of await listBuilds(knex)) {
    if (build.status === 'building') continue;
    migrated.push({ build: build.name, applied: await createBuildSchema(knex, build.schemaName) });
  }
  return migrated;
}

/** Records that a build holds every event up to `target` (the resolved offset vector). */
export async function completeBuild(knex: Knex, name: string, target: string): Promise<void> {
  await knex('strata.builds')
    .where({ name })
    .update({ status: 'complete', target, completed_at: knex.fn.now() });
}

/**
 * Makes a build live in one transaction: readers resolve the live build per query, so they see the
 * old build or the new one, never a mix. The live projector notices and continues the new build
 * from its checkpoints.
 */
export async function swapLiveBuild(knex: Knex, name: string): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx.raw('LOCK TABLE strata.live_build IN EXCLUSIVE MODE');
    const build = await trx('strata.builds').where({ name }).first('status');
    if (!build) throw new BuildError(`no build named "${name}"`);
    if (build.status === 'building')
      throw new BuildError(`build "${name}" is not complete; it cannot go live`);
    const previous = await liveBuild(trx);
    if (previous?.name === name) return;
    if (previous) await trx('strata.builds').where({ name: previous.name }).update({ status: 'superseded' });
    await trx('strata.builds').where({ name }).update({ status: 'live' });
    await trx.raw(
      `INSERT INTO strata.live_build (singleton, build_name, switched_at) VALUES (true, ?, now())
       ON CONFLICT (singleton) DO UPDATE SET build_name = excluded.build_name, switched_at = excluded.switched_at`,
      [name],
    );
  });
}

/**
 * The live build, created if there is none yet (first start of a projector): a build that the live
 * projector fills from the beginning of the log. Projectors starting at once queue on the lock and
 * agree on one build; the schema is created on another connection while the lock is held (its
 * migrations do not touch strata.live_build).
 */
export async function ensureLiveBuild(knex: Knex, now = new Date()): Promise<Build> {
  const existing = await liveBuild(knex);
  if (existing) return existing;
  await knex.transaction(async (trx) => {
    await trx.raw('LOCK TABLE strata.live_build IN EXCLUSIVE MODE');
    if (await liveBuild(trx)) return;
    const build = await createBuild(knex, {
      name: timestampedBuildName('live', now),
      target: 'live',
      status: 'live',
    });
    await trx('strata.live_build').insert({ singleton: true, build_name: build.name });
  });
  return (await liveBuild(knex))!;
}

/** Drops a build's schema and its row; the live build is refused (swap another in first). */
export async function dropBuild(knex: Knex, name: string): Promise<void> {
  const schemaName = await knex.transaction(async (trx) => {
    await trx.raw('LOCK TABLE strata.live_build IN SHARE MODE');
    const build = await trx('strata.builds').where({ name }).first('schema_name');
    if (!build) throw new BuildError(`no build named "${name}"`);
    if ((await liveBuild(trx))?.name === name) {
      throw new BuildError(
        `build "${name}" is live; swap another build in (strata rebuild --swap) before dropping it`,
      );
    }
    await trx('strata.builds').where({ name }).delete();
    return build.schema_name as string;
  });
  await dropBuildSchema(knex, schemaName);
}
