import { Inject, Injectable } from '@nestjs/common';
import type { Knex } from 'knex';
import { UnavailableError } from '../common/errors';
import { KNEX } from '../ports';

/** PostgreSQL's "undefined_table": the schema we cached was dropped after a swap. */
const undefinedTable = '42P01';
/** How long the live schema name is trusted; a swap is seen by readers within this time. */
const liveSchemaTtlMs = 1000;

/**
 * The schema of the live projection build (`strata.live_build` → `strata.builds.schema_name`).
 * Resolving it costs a query, which would double the cost of the cheapest reads, so it is cached for
 * a second; a read that fails because the cached build was dropped re-resolves and retries once.
 */
@Injectable()
export class LiveViews {
  private cached: { schema: string; until: number } | undefined;

  constructor(@Inject(KNEX) readonly knex: Knex) {}

  async read<T>(query: (schema: string) => Promise<T>): Promise<T> {
    const schema = await this.schema();
    try {
      return await query(schema);
    } catch (error) {
      if ((error as { code?: string }).code !== undefinedTable) throw error;
      this.cached = undefined;
      const fresh = await this.schema();
      if (fresh === schema) throw error;
      return query(fresh);
    }
  }

  /**
   * A stream over the live build, with the same retry as {@link read}: a stream fails on a dropped
   * schema when it starts, so its first element is read under the retry; once reading, the
   * stream's transaction holds the build's tables and a swap waits for it to end.
   */
  async *stream<T>(open: (schema: string) => AsyncGenerator<T>): AsyncGenerator<T> {
    const { stream, first } = await this.read(async (schema) => {
      const opened = open(schema);
      return { stream: opened, first: await opened.next() };
    });
    if (first.done) return;
    yield first.value;
    yield* stream;
  }

  private async schema(): Promise<string> {
    const now = Date.now();
    if (this.cached && this.cached.until > now) return this.cached.schema;
    const row = (await this.knex('strata.live_build as live')
      .join('strata.builds as build', 'build.name', 'live.build_name')
      .first('build.schema_name')) as { schema_name: string } | undefined;
    if (!row)
      throw new UnavailableError('no live projection build yet: start the projector or run strata rebuild');
    this.cached = { schema: row.schema_name, until: now + liveSchemaTtlMs };
    return row.schema_name;
  }
}
