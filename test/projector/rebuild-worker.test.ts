import { describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import type { Knex } from 'knex';
import { BatchProjector, rebuild, startRebuildWorker } from '@strata/projector';
import { silentLogger } from './support';
import { StoredIdFilter } from '@strata/projection';

describe('a rebuild worker thread', () => {
  it("fails its rebuild with the thread's own error", async () => {
    const worker = startRebuildWorker(
      {
        connection: {
          databaseUrl: 'postgres://postgres@127.0.0.1:5432/strata',
          brokers: [],
          registryUrl: 'http://127.0.0.1:1',
          logLevel: 'silent',
        },
        groupId: 'strata-rebuild-worker-test',
        schemaName: 'build_worker_test',
        endOffsets: [{ topic: 'strata.items', partition: 0, nextOffset: 1 }],
        storedIds: new StoredIdFilter(10).buffer,
      },
      () => undefined,
    );
    // Its first statement reads the checkpoints of a build that does not exist.
    await expect(worker.done).rejects.toThrow(/relation "build_worker_test.checkpoints" does not exist/);
  });

  it('is refused, before anything is created, without the settings to connect with', async () => {
    const unused = {} as Kafka & Knex & BatchProjector;
    await expect(
      rebuild({
        kafka: unused,
        knex: unused,
        projector: unused,
        logger: silentLogger,
        target: { kind: 'latest' },
        threads: 2,
      }),
    ).rejects.toThrow('a rebuild in several threads needs the connection settings of the other threads');
  });
});
