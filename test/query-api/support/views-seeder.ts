import type { Knex } from 'knex';
import type { PositionedEvent } from '@strata/projection';
import { advanceCheckpoints, applyBatch, createBuildSchema, loadCheckpoints } from '@strata/views';

/** The projection name tests checkpoint under, as the projector would. */
const projection = 'query-api-tests';

/**
 * Fills a live build the way the projector does — libs/projection folds the events into view
 * changes, libs/views writes them and advances the checkpoints in the same transaction — so the
 * API is tested against rows made by the real code path, not hand-written SQL.
 */
export class ViewsSeeder {
  private constructor(
    private readonly knex: Knex,
    readonly schema: string,
  ) {}

  /** Creates the build's schema and makes it the live build. */
  static async createLive(knex: Knex, schema = 'build_test'): Promise<ViewsSeeder> {
    await createBuildSchema(knex, schema);
    await knex('strata.builds').insert({ name: schema, schema_name: schema, status: 'live' });
    await knex('strata.live_build')
      .insert({ singleton: true, build_name: schema })
      .onConflict('singleton')
      .merge();
    return new ViewsSeeder(knex, schema);
  }

  async apply(events: readonly PositionedEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.knex.transaction(async (trx) => {
      const changes = await applyBatch(trx, this.schema, events);
      if (changes.deadLetters.length > 0) {
        throw new Error(
          `test history has invalid events: ${JSON.stringify(changes.deadLetters.map((d) => d.detail))}`,
        );
      }
      const stored = new Map(
        (await loadCheckpoints(trx, this.schema, projection)).map((c) => [
          `${c.topic}|${c.partition}`,
          c.nextOffset,
        ]),
      );
      const reached = new Map<string, { topic: string; partition: number; nextOffset: number }>();
      for (const { position } of events) {
        reached.set(`${position.topic}|${position.partition}`, {
          topic: position.topic,
          partition: position.partition,
          nextOffset: position.offset + 1,
        });
      }
      await advanceCheckpoints(
        trx,
        this.schema,
        projection,
        [...reached.entries()].map(([key, checkpoint]) => ({
          ...checkpoint,
          expectedNextOffset: stored.get(key) ?? null,
        })),
      );
    });
  }
}
