import type { PositionedEvent } from '@strata/projection';
import { Topics } from '@strata/kafka';
import { snapshotFrozenOf } from '../../../apps/query-api/src/kafka/sdk-release-publisher';
import type { Release } from '../../../apps/query-api/src/domain/lineage';
import type { LogOffsets, ReleasePublisher } from '../../../apps/query-api/src/ports';
import type { History } from './history';
import type { ViewsSeeder } from './views-seeder';

/**
 * Stands in for Kafka plus the projector where no broker runs: a published release is appended to
 * the test's history as a SnapshotFrozen event and projected into the live views by the real
 * projection code, as the projector would after consuming it.
 */
export function projectingPublisher(history: History, seeder: () => ViewsSeeder): ReleasePublisher {
  // One release at a time, in publication order, as a projector consumes its partition.
  let projected = Promise.resolve();
  return {
    publish: (release) => {
      const publishing = projected.then(() => projectRelease(release));
      projected = publishing.catch(() => undefined);
      return publishing;
    },
  };

  async function projectRelease(release: Release): Promise<void> {
    const envelope = {
      ...history.envelope(),
      eventTime: Date.parse(release.createdAt),
      namespace: release.namespace,
    };
    const event = history.add(Topics.snapshots, 0, {
      type: 'SnapshotFrozen',
      event: { envelope, ...snapshotFrozenOf(release) },
    });
    await seeder().apply([event]);
  }
}

/** ListOffsets by time over a test history: per partition, the first offset whose timestamp ≥ time. */
export function historyLogOffsets(events: () => readonly PositionedEvent[]): LogOffsets {
  return {
    offsetsAtTime: async (topics, time) => {
      const result = new Map<string, { topic: string; partition: number; offset: number }>();
      for (const { position } of events()) {
        if (!topics.includes(position.topic)) continue;
        const key = `${position.topic}|${position.partition}`;
        const entry = result.get(key) ?? { topic: position.topic, partition: position.partition, offset: 0 };
        // Offsets rise with time within a partition, so the answer is one past the last earlier event.
        if (position.timestamp < time.getTime()) entry.offset = position.offset + 1;
        result.set(key, entry);
      }
      return [...result.values()];
    },
  };
}
