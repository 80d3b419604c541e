import type { Admin, Kafka } from 'kafkajs';

/**
 * A kafkajs admin client connected on first use and dropped after a failure, so a probe neither
 * holds the process back at start when Kafka is down nor keeps a dead connection afterwards.
 */
export class LazyAdmin {
  private connected: Promise<Admin> | undefined;

  constructor(private readonly kafka: Kafka) {}

  async use<T>(operation: (admin: Admin) => Promise<T>): Promise<T> {
    this.connected ??= this.connect();
    const connecting = this.connected;
    try {
      return await operation(await connecting);
    } catch (error) {
      if (this.connected === connecting) {
        this.connected = undefined;
        await connecting.then((admin) => admin.disconnect()).catch(() => undefined);
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    const connecting = this.connected;
    this.connected = undefined;
    await connecting?.then((admin) => admin.disconnect()).catch(() => undefined);
  }

  private async connect(): Promise<Admin> {
    // No retries: a probe answers "not now" quickly and is asked again by the next scrape or probe.
    const admin = this.kafka.admin({ retry: { retries: 0 } });
    await admin.connect();
    return admin;
  }
}
