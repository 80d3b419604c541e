import { createKafka } from '@strata/kafka';
import type { Logger } from 'pino';
import { KafkaEventSink } from './kafka-sink';
import { createRegistryEncoder } from './registry-encoder';
import { StrataProducer, type BatchingOptions, type EnvelopeDefaults } from './strata-producer';

export interface ConnectOptions {
  brokers: string[];
  registryUrl: string;
  logger: Logger;
  /** Envelope fields every event shares unless overridden. */
  defaults: EnvelopeDefaults;
  clientId?: string;
  batching?: BatchingOptions;
  /** Retries of one batch, with exponential backoff from `initialRetryMs`. Default 8 from 100 ms. */
  retries?: number;
  initialRetryMs?: number;
  /**
   * Gzip record batches (at zlib's fastest level, in its thread pool; see fast-gzip.ts). Default true:
   * provenance chunks are lists of item ids that compress several-fold, and writing them uncompressed
   * made the broker the bottleneck.
   */
  gzip?: boolean;
}

/** Connects a {@link StrataProducer} to Kafka and the schema registry. */
export async function connectStrataProducer(options: ConnectOptions): Promise<StrataProducer> {
  const retry = { retries: options.retries ?? 8, initialRetryMs: options.initialRetryMs ?? 100 };
  const kafka = createKafka({
    brokers: options.brokers,
    clientId: options.clientId ?? 'strata-sdk',
    logger: options.logger.child({ component: 'strata-sdk' }),
    // Connecting gives up after the same retries as sending, so an unreachable cluster fails as fast.
    kafkajs: { retry: { retries: retry.retries, initialRetryTime: retry.initialRetryMs } },
  });
  const sink = await KafkaEventSink.connect(kafka, {
    ...retry,
    ackTimeoutMs: 30_000,
    gzip: options.gzip ?? true,
  });
  return new StrataProducer(
    createRegistryEncoder(options.registryUrl),
    sink,
    options.defaults,
    options.batching,
  );
}
