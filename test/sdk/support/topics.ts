import { createKafka, Topics } from '@strata/kafka';
import type { Logger } from 'pino';

/**
 * Creates the event topics and the dead-letter topic when missing (3 partitions, so keys really spread). Production topics are
 * created by operators or `strata up`; tests and benchmarks own their embedded broker.
 */
export async function ensureStrataTopics(brokers: string[], logger: Logger): Promise<void> {
  const admin = createKafka({ brokers, clientId: 'strata-test-topics', logger }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = [Topics.items, Topics.runs, Topics.snapshots, Topics.deadLetters].filter(
      (topic) => !existing.has(topic),
    );
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({ topic, numPartitions: 3 })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}
