import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type Platform } from './support/platform';
import { grows, memoryTrend, runSoak } from './support/soak';

/** The CI version of `npm run soak` (which runs the same for ten minutes). */
const seconds = Number(process.env.STRATA_SOAK_SECONDS ?? 60);
let platform: Platform;

beforeAll(async () => {
  platform = await startPlatform({ label: 'rel_soak' });
}, 180_000);

afterAll(async () => {
  await platform?.stop();
});

describe('memory trend', () => {
  it('ignores noise but flags steady growth', () => {
    const flat = [420, 400, 410, 405, 398, 402, 409, 404].map((m) => m * 1024 * 1024);
    const leaking = [300, 320, 340, 360, 380, 400, 420, 440].map((m) => m * 1024 * 1024);
    expect(grows(memoryTrend(flat))).toBe(false);
    expect(grows(memoryTrend(leaking))).toBe(true);
  });
});

describe(`soak: gateway → projector → query API for ${seconds} s`, () => {
  it(
    'loses nothing, answers without errors, and no process grows',
    async () => {
      const report = await runSoak(platform, { seconds, eventsPerSecond: 200, readsPerSecond: 40 });
      process.stdout.write(`soak ${seconds}s: ${JSON.stringify(report)}\n`);
      expect(report.acknowledged).toBeGreaterThan(seconds * 100);
      expect(report.lost).toBe(0);
      expect(report.duplicated).toBe(0);
      expect(report.writeRefusals).toBe(0);
      expect(report.reads).toBeGreaterThan(seconds * 20);
      expect(report.readErrors).toBe(0);
      for (const [part, trend] of Object.entries(report.memory)) {
        expect(grows(trend), `${part}: ${JSON.stringify(trend)}`).toBe(false);
      }
    },
    (seconds + 240) * 1000,
  );
});
