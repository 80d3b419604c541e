import autocannon from 'autocannon';
import type { PartName, Platform } from './platform';
import {
  awaitProjection,
  itemRegistered,
  labelCreated,
  newTally,
  postUntilAcknowledged,
  type Projected,
} from './workload';

export interface SoakOptions {
  seconds: number;
  /** Labels written per second through the gateway, in batches of 10. */
  eventsPerSecond: number;
  /** Reads per second on the query API (leaves of random items). */
  readsPerSecond: number;
  /** Load at the same rate before memory is sampled: heaps and pools grow to their working size. */
  warmupSeconds?: number;
  items?: number;
}

export interface MemoryTrend {
  /** Median resident size over the first half of the measured run, MiB. */
  earlyMiB: number;
  /** Median over the last quarter, MiB. */
  lateMiB: number;
  peakMiB: number;
}

export interface SoakReport extends Projected {
  acknowledged: number;
  writeRefusals: number;
  reads: number;
  readErrors: number;
  readStatuses: Record<string, number>;
  memory: Record<PartName, MemoryTrend>;
}

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** The value a quarter of the way up: the floor memory returns to between collections and batches. */
function lowerQuartile(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 4)] ?? 0;
}

/**
 * Early (first half) and late (last quarter) lower quartiles of samples taken after the warm-up. A
 * process's resident memory swings by tens of MiB with the batch in hand and the collector's timing
 * (the projector's early median measured 241–332 MiB across identical runs); a leak raises the floor it
 * returns to, which the lower quartile follows and the swings do not move.
 */
export function memoryTrend(samples: number[]): MemoryTrend {
  const quarter = Math.max(1, Math.floor(samples.length / 4));
  return {
    earlyMiB: mib(lowerQuartile(samples.slice(0, 2 * quarter))),
    lateMiB: mib(lowerQuartile(samples.slice(-quarter))),
    peakMiB: mib(Math.max(...samples)),
  };
}

/** Growth beyond garbage-collector noise: the late floor above the early one by 15 % and 32 MiB. */
export function grows(trend: MemoryTrend): boolean {
  return trend.lateMiB - trend.earlyMiB > Math.max(32, trend.earlyMiB * 0.15);
}

/**
 * Gateway → projector → query API at a steady rate for a fixed time, sampling every process's memory
 * each second. Writes go through a loop of our own, not the load tool, because each acknowledged
 * eventId is tracked to prove none is lost; reads use autocannon at a fixed overall rate.
 */
export async function runSoak(platform: Platform, options: SoakOptions): Promise<SoakReport> {
  const itemIds = Array.from({ length: options.items ?? 200 }, (_, index) => `soak-item-${index}`);
  const tally = newTally();
  await postUntilAcknowledged(
    platform,
    itemIds.map((itemId) => itemRegistered(platform.namespace, itemId)),
    tally,
  );
  // Reads start once the items exist in the views: an item not yet projected is rightly a 404.
  await awaitProjection(platform, tally);

  const warmupSeconds = options.warmupSeconds ?? Math.min(60, Math.ceil(options.seconds / 2));
  const loadSeconds = warmupSeconds + options.seconds;
  const samples = new Map<PartName, number[]>();
  let sampler: NodeJS.Timeout | undefined;
  const warmedUp = setTimeout(() => {
    sampler = setInterval(() => {
      for (const [part, bytes] of Object.entries(platform.memory()) as [PartName, number][]) {
        samples.set(part, [...(samples.get(part) ?? []), bytes]);
      }
    }, 1000);
  }, warmupSeconds * 1000);

  const endAt = Date.now() + loadSeconds * 1000;
  const batchesPerSecond = options.eventsPerSecond / 10;
  const writing = (async () => {
    let sequence = 0;
    for (let batch = 0; Date.now() < endAt; batch += 1) {
      const events = Array.from({ length: 10 }, () =>
        labelCreated(platform.namespace, itemIds[sequence++ % itemIds.length]),
      );
      await postUntilAcknowledged(platform, events, tally);
      // Paced against the clock, not per request, so slow answers do not lower the rate.
      const due = endAt - loadSeconds * 1000 + ((batch + 1) / batchesPerSecond) * 1000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
    }
  })();
  const reading = autocannon({
    url: platform.apiUrl,
    connections: 4,
    overallRate: options.readsPerSecond,
    duration: loadSeconds,
    headers: { authorization: `Bearer ${platform.readKey}` },
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          path: `/v1/items/${itemIds[Math.floor(Math.random() * itemIds.length)]}/leaves`,
        }),
      },
    ],
  });
  const [, reads] = await Promise.all([writing, reading]);
  clearTimeout(warmedUp);
  clearInterval(sampler);

  const projected = await awaitProjection(platform, tally);
  const memory = {} as Record<PartName, MemoryTrend>;
  for (const [part, values] of samples) memory[part] = memoryTrend(values);
  return {
    acknowledged: tally.acknowledged.size,
    ...projected,
    writeRefusals: [...tally.refusals.values()].reduce((sum, count) => sum + count, 0),
    reads: reads.requests.total,
    readErrors: reads.errors + reads.non2xx + reads.timeouts,
    readStatuses: Object.fromEntries(
      Object.entries(reads.statusCodeStats ?? {}).map(([status, stats]) => [status, stats?.count ?? 0]),
    ),
    memory,
  };
}
