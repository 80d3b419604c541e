import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewsProjection } from '@strata/projector';
import { startCli, type CliProcess } from '@strata/testing';
import { checksumBuild, loadCheckpoints } from '@strata/views';
import {
  liveSchema,
  logEnds,
  mixedHistory,
  publish,
  referenceChecksum,
  rowCounts,
  startProjectorTestStack,
  waitForCheckpoints,
  type ProjectorTestStack,
} from './support';

let env: ProjectorTestStack;
const children: CliProcess[] = [];

beforeAll(async () => {
  env = await startProjectorTestStack('crash');
});
afterAll(async () => {
  for (const child of children) await child.stop('SIGKILL');
  await env?.stop();
});

/** Events the live build has projected, summed over partitions (0 before the first start). */
async function projected(): Promise<number> {
  const { rows } = await env.knex.raw(`SELECT count(*) AS n FROM strata.live_build`);
  if (Number(rows[0].n) === 0) return 0;
  const checkpoints = await loadCheckpoints(env.knex, await liveSchema(env.knex), viewsProjection);
  return checkpoints.reduce((sum, checkpoint) => sum + checkpoint.nextOffset, 0);
}

function startProjectorProcess(run: number): CliProcess {
  const child = startCli(
    // A group per process: the killed member would otherwise hold its partitions until its session
    // times out. The group only assigns partitions; positions come from the checkpoint table.
    [
      'projector',
      '--group',
      env.stack.uniqueName(`crash-${run}`),
      '--metrics-port',
      '0',
      '--max-batch-bytes',
      '32768',
    ],
    {
      DATABASE_URL: env.stack.databaseUrl,
      STRATA_KAFKA_BROKERS: env.stack.brokers.join(','),
      STRATA_SCHEMA_REGISTRY_URL: env.stack.registryUrl,
      STRATA_LOG_LEVEL: 'warn',
    },
  );
  children.push(child);
  return child;
}

describe('crash safety', () => {
  it('SIGKILLed at random moments of a 100k-event replay ten times, the projector ends with the reference views', async () => {
    const events = await publish(env.stack, mixedHistory(19_000));
    expect(events.length).toBeGreaterThanOrEqual(100_000);
    const ends = await logEnds(env.kafka);
    const total = ends.reduce((sum, end) => sum + end.nextOffset, 0);

    const killedAt: number[] = [];
    for (let run = 0; run < 10; run++) {
      const child = startProjectorProcess(run);
      const before = await projected();
      // Kill only once this process is projecting, at a random moment after that.
      for (let waited = 0; (await projected()) === before; waited += 25) {
        if (waited > 60_000) throw new Error(`run ${run} made no progress:\n${child.stderr()}`);
        await sleep(25);
      }
      await sleep(Math.random() * 300);
      expect(await child.stop('SIGKILL')).toBe('SIGKILL');
      killedAt.push(await projected());
    }
    expect(killedAt[killedAt.length - 1]).toBeLessThan(total); // every kill landed mid-replay

    const last = startProjectorProcess(10);
    const schema = await liveSchema(env.knex);
    await waitForCheckpoints(env.knex, () => schema, ends, 120_000);
    expect(await last.stop('SIGTERM')).toBe(0);

    const reference = await referenceChecksum(env.knex, 'reference', events);
    expect(await checksumBuild(env.knex, schema)).toBe(reference);
    expect(await rowCounts(env.knex, schema)).toEqual(await rowCounts(env.knex, 'reference'));
  }, 300_000); // ~30 s on an idle machine; eleven process starts and a 100k-event replay on a busy one
});
