import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from './support/platform';
import { startPrivatePostgres, type PrivatePostgres } from './support/private-postgres';
import {
  awaitProjection,
  itemRegistered,
  labelCreated,
  newTally,
  postUntilAcknowledged,
} from './support/workload';

const restarts = 2;
let postgres: PrivatePostgres;
let platform: Platform;

beforeAll(async () => {
  // A server of this test's own: restarting the shared one would break every suite running beside it.
  postgres = await startPrivatePostgres();
  platform = await startPlatform({ label: 'rel_pg', serverUrl: postgres.url });
}, 180_000);

afterAll(async () => {
  await platform?.stop().catch(() => undefined);
  postgres?.stop();
});

describe('PostgreSQL restarted while the projector writes', () => {
  it('retries with backoff and converges: every acknowledged event once, the projector never restarted', async () => {
    const items = Array.from({ length: 12 }, (_, index) => `pg-restart-item-${index}`);
    const tally = newTally();
    await postUntilAcknowledged(
      platform,
      items.map((itemId) => itemRegistered(platform.namespace, itemId)),
      tally,
    );
    let running = true;
    const producing = (async () => {
      let sequence = 0;
      while (running) {
        const batch = Array.from({ length: 10 }, () =>
          labelCreated(platform.namespace, items[sequence++ % items.length]),
        );
        await postUntilAcknowledged(platform, batch, tally);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    for (let restart = 0; restart < restarts; restart += 1) {
      await new Promise((resolve) => setTimeout(resolve, 2500));
      postgres.restart();
    }
    await new Promise((resolve) => setTimeout(resolve, 2500));
    running = false;
    await producing;

    const counts = await awaitProjection(platform, tally);
    const projector = platform.processes.get('projector')!;
    const figures = {
      acknowledged: tally.acknowledged.size,
      ...counts,
      gatewayRefusals: Object.fromEntries(tally.refusals),
      postgresRestartsSurvived: restarts,
      projectorExited: projector.child.exitCode,
    };
    process.stdout.write(`postgres restart: ${JSON.stringify(figures)}\n`);
    expect(tally.acknowledged.size).toBeGreaterThan(100);
    expect(counts.lost).toBe(0);
    expect(counts.duplicated).toBe(0);
    expect(projector.child.exitCode).toBeNull();
    expect(projector.stderr()).toMatch(/retry|retrying|backoff/i);
  });
});
