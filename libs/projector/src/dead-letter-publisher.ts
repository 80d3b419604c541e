import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import { Topics } from '@strata/kafka';
import type { DeadLetter } from '@strata/projection';
import { deadLetterMessage } from './dead-letter-message';

/** Where dead letters are announced besides the dead_letters table. */
export interface DeadLetterPublisher {
  publish(letters: readonly DeadLetter[]): Promise<void>;
  close(): Promise<void>;
}

/** Publishes dead letters to `strata.dlq` with acks=all through an idempotent producer. */
export class KafkaDeadLetterPublisher implements DeadLetterPublisher {
  private constructor(private readonly producer: Producer) {}

  static async connect(kafka: Kafka): Promise<KafkaDeadLetterPublisher> {
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    return new KafkaDeadLetterPublisher(producer);
  }

  async publish(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.producer.send({
      topic: Topics.deadLetters,
      acks: -1,
      messages: letters.map(deadLetterMessage),
    });
  }

  close(): Promise<void> {
    return this.producer.disconnect();
  }
}

/**
 * Announces nothing: for a rebuild, whose dead letters the live projector already published when it
 * first met them (the build's dead_letters table still records every one). Republishing a whole
 * history's dead letters on each rebuild would read as new failures to whoever watches strata.dlq.
 */
export const unannouncedDeadLetters: DeadLetterPublisher = {
  publish: async () => undefined,
  close: async () => undefined,
};
