import type { Admin, Kafka } from 'kafkajs';
import { UnavailableError } from '../common/errors';
import type { OffsetPosition } from '../domain/as-of';
import type { LogOffsets } from '../ports';

/** ListOffsets by timestamp through the kafkajs admin client, connected on first use. */
export class KafkaLogOffsets implements LogOffsets {
  private admin: Promise<Admin> | undefined;

  constructor(private readonly kafka: Kafka) {}

  async offsetsAtTime(topics: readonly string[], time: Date): Promise<OffsetPosition[]> {
    const admin = await this.connected();
    const perTopic = await Promise.all(
      topics.map(async (topic) =>
        (await admin.fetchTopicOffsetsByTimestamp(topic, time.getTime())).map(({ partition, offset }) => ({
          topic,
          partition,
          offset: Number(offset),
        })),
      ),
    );
    return perTopic.flat();
  }

  async close(): Promise<void> {
    if (this.admin) await (await this.admin).disconnect();
  }

  private connected(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      return admin;
    })().catch((error: Error) => {
      this.admin = undefined; // the next request tries again rather than inheriting this failure
      throw new UnavailableError(`Kafka is unreachable: ${error.message}`);
    });
    return this.admin;
  }
}
