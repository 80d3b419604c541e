import type { Logger } from 'pino';
import type { SnapshotFrozen } from '@strata/contracts';
import { connectStrataProducer, type StrataProducer } from '@strata/sdk';
import { UnavailableError } from '../common/errors';
import type { Release } from '../domain/lineage';
import type { ReleasePublisher } from '../ports';

/** The SnapshotFrozen event (less its envelope) that records a release. */
export function snapshotFrozenOf(release: Release): Omit<SnapshotFrozen, 'envelope'> {
  return {
    snapshotId: release.snapshotId,
    name: release.name,
    dataset: release.dataset,
    task: release.task,
    strategy: release.strategy,
    offsets: release.offsets,
    asOfTime: release.asOfTime === null ? null : Date.parse(release.asOfTime),
    manifestSha256: release.manifestSha256,
    itemCount: release.itemCount,
    labelCount: release.labelCount,
  };
}

/** Publishes releases as SnapshotFrozen through the SDK's producer, connected on the first release. */
export class SdkReleasePublisher implements ReleasePublisher {
  private producer: Promise<StrataProducer> | undefined;

  constructor(private readonly options: { brokers: string[]; registryUrl: string; logger: Logger }) {}

  async publish(release: Release): Promise<void> {
    const producer = await this.connected();
    await producer.freezeSnapshot({
      ...snapshotFrozenOf(release),
      envelope: { eventTime: Date.parse(release.createdAt), namespace: release.namespace },
    });
  }

  async close(): Promise<void> {
    if (this.producer) await (await this.producer).close();
  }

  private connected(): Promise<StrataProducer> {
    this.producer ??= connectStrataProducer({
      ...this.options,
      clientId: 'strata-query-api',
      defaults: {
        namespace: 'strata',
        producer: { name: 'strata-query-api', version: '1' },
        actor: { kind: 'SERVICE', id: 'strata-query-api' },
      },
    }).catch((error: Error) => {
      this.producer = undefined; // the next release tries again rather than inheriting this failure
      throw new UnavailableError(`cannot publish to Kafka: ${error.message}`);
    });
    return this.producer;
  }
}
