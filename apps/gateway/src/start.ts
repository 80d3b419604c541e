import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiKeyStore, ApiKeyVerifier, KeyRateLimiter, type RateLimitPolicy } from '@strata/auth';
import type { StrataConfig } from '@strata/config';
import { createKnex } from '@strata/database';
import { createKafka } from '@strata/kafka';
import {
  kafkaReadinessCheck,
  Observability,
  postgresReadinessCheck,
  schemaRegistryReadinessCheck,
} from '@strata/observability';
import { createRegistryEncoder, GroupCommitSink, KafkaEventSink, type EventSink } from '@strata/sdk';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { eventModelChecks } from './events/event-model-checks';
import { createGatewayApp } from './app';

export interface GatewayOptions {
  config: StrataConfig;
  logger: Logger;
  /** Kafka bootstrap servers; default `config.kafkaBrokers` (required when that is unset). */
  brokers?: string[];
  /** Schema registry URL; default `config.schemaRegistryUrl`. */
  registryUrl?: string;
  /** Port to listen on; default `config.gatewayPort`; 0 picks a free one. */
  port?: number;
  host?: string;
  /** Largest request body accepted; default 5 MiB. */
  bodyLimitBytes?: number;
  /** Time a client has to send a whole request; slower ones get a 408. Default 30 s. */
  requestTimeoutMs?: number;
  /** An idle connection is closed after this long; default 60 s. */
  connectionTimeoutMs?: number;
  /** Requests per API key (a token bucket per key id); default 200/s in bursts of 400. */
  rateLimit?: RateLimitPolicy;
  /** How long a verified key is trusted before it is looked up again; default 5 s. */
  keyCacheTtlMs?: number;
  /** Largest encoded event accepted; default 1,000,000 bytes (under Kafka's default 1 MiB message limit). */
  maxEventBytes?: number;
  /** Retries of one produce request (exponential backoff from 100 ms) before answering 503; default 5. */
  produceRetries?: number;
  /** A knex instance for API keys; default one made from `config.databaseUrl` (and closed with the gateway). */
  knex?: Knex;
}

export interface RunningGateway {
  url: string;
  close(): Promise<void>;
}

/** Starts the ingest gateway (HTTP → validated → Avro → Kafka). Migrations must have been applied. */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { config } = options;
  const logger = options.logger.child({ component: 'gateway' });
  const brokers = options.brokers ?? config.kafkaBrokers;
  const registryUrl = options.registryUrl ?? config.schemaRegistryUrl;
  if (!brokers?.length) {
    throw new Error('the gateway needs Kafka brokers: set STRATA_KAFKA_BROKERS or pass brokers');
  }
  if (!registryUrl) {
    throw new Error(
      'the gateway needs a schema registry: set STRATA_SCHEMA_REGISTRY_URL or pass registryUrl',
    );
  }

  const ownKnex = options.knex === undefined;
  const knex = options.knex ?? createKnex(config.databaseUrl, { max: 4, logger });
  const retries = options.produceRetries ?? 5;
  const kafka = createKafka({
    brokers,
    clientId: 'strata-gateway',
    logger,
    // Reconnecting gives up as soon as producing does, so a request meets a 503 in seconds, not minutes.
    kafkajs: { retry: { retries, initialRetryTime: 100 } },
  });
  const observability = new Observability({
    service: 'gateway',
    checks: [
      kafkaReadinessCheck(kafka),
      schemaRegistryReadinessCheck(registryUrl),
      postgresReadinessCheck(knex),
    ],
    logger,
  });
  let sink: EventSink | undefined;
  let app: NestFastifyApplication | undefined;
  try {
    // Concurrent requests share produce requests (group commit); each request stays all-or-nothing.
    sink = new GroupCommitSink(
      await KafkaEventSink.connect(kafka, { retries, initialRetryMs: 100, ackTimeoutMs: 30_000 }),
    );
    app = await createGatewayApp(
      {
        logger,
        encoder: createRegistryEncoder(registryUrl),
        sink,
        keys: new ApiKeyVerifier(new ApiKeyStore(knex), { ttlMs: options.keyCacheTtlMs ?? 5_000 }),
        rateLimiter: new KeyRateLimiter(options.rateLimit ?? { ratePerSecond: 200, burst: 400 }),
        checks: eventModelChecks,
        limits: { maxEventBytes: options.maxEventBytes ?? 1_000_000 },
        observability,
      },
      {
        bodyLimitBytes: options.bodyLimitBytes ?? 5 * 1024 * 1024,
        requestTimeoutMs: options.requestTimeoutMs,
        connectionTimeoutMs: options.connectionTimeoutMs,
      },
    );
    await app.listen(options.port ?? config.gatewayPort, options.host ?? '127.0.0.1');
  } catch (error) {
    if (app) await app.close();
    else await observability.close();
    await sink?.close();
    if (ownKnex) await knex.destroy();
    throw error;
  }
  const running = app;
  const connectedSink = sink;
  const url = (await running.getUrl()).replace('[::1]', '127.0.0.1');
  logger.info({ url }, 'ingest gateway listening');
  return {
    url,
    async close() {
      await running.close();
      await connectedSink.close();
      if (ownKnex) await knex.destroy();
    },
  };
}
