import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Logger } from 'pino';
import type { ConsumerLagSource } from './consumer-lag';

export interface StrataMetricsOptions {
  /** Value of the `service` label on every series, e.g. `gateway`, `projector`, `query-api`. */
  service: string;
  /** Node.js process metrics (CPU, memory, event loop, GC); default true. */
  processMetrics?: boolean;
  /** Where a failing consumer-lag source is reported; default silent. */
  logger?: Logger;
}

/**
 * The metric families every Strata service may publish, on a registry of its own. Not prom-client's
 * global registry: `strata up` runs several services in one process and tests start many apps, and
 * each must publish its own series without "metric already registered" clashes.
 */
export class StrataMetrics {
  readonly registry = new Registry();

  /** Events behind the log end, per partition a projection reads; computed at scrape time. */
  readonly consumerLag: Gauge<'topic' | 'partition' | 'projection'>;
  readonly eventsProjected: Counter<'projection' | 'topic'>;
  /** Time to project one fetched batch, view writes and checkpoint commit included. */
  readonly projectionBatchSeconds: Histogram<'projection'>;
  readonly deadLetters: Counter<'projection' | 'reason'>;
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
  /** Events the gateway acknowledged after Kafka acknowledged them. */
  readonly eventsIngested: Counter<'topic'>;

  private readonly lagSources: ConsumerLagSource[] = [];

  constructor(options: StrataMetricsOptions) {
    this.registry.setDefaultLabels({ service: options.service });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    const lagSources = this.lagSources;
    const logger = options.logger;

    this.consumerLag = new Gauge({
      name: 'strata_consumer_lag',
      help: 'Events between a projection checkpoint and the end of the partition',
      labelNames: ['topic', 'partition', 'projection'],
      registers,
      // Asked at scrape time, so the lag rises as soon as events are produced, not when the projector
      // next fetches, and a stalled projector shows a growing lag instead of a frozen one.
      async collect() {
        this.reset();
        for (const source of lagSources) {
          try {
            for (const sample of await source()) {
              const { topic, partition, projection, lag } = sample;
              this.set({ topic, partition: String(partition), projection }, lag);
            }
          } catch (error) {
            // Unknown lag is left absent rather than reported as 0, which would read as "caught up".
            logger?.warn({ err: error }, 'consumer lag could not be measured');
          }
        }
      },
    });
    this.eventsProjected = new Counter({
      name: 'strata_events_projected_total',
      help: 'Events folded into the views',
      labelNames: ['projection', 'topic'],
      registers,
    });
    this.projectionBatchSeconds = new Histogram({
      name: 'strata_projection_batch_seconds',
      help: 'Duration of projecting one batch, from decode to checkpoint commit',
      labelNames: ['projection'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.deadLetters = new Counter({
      name: 'strata_dead_letters_total',
      help: 'Events sent to the dead-letter table and topic',
      labelNames: ['projection', 'reason'],
      registers,
    });
    this.httpRequestDuration = new Histogram({
      name: 'strata_http_request_duration_seconds',
      help: 'HTTP request duration by route template (not raw URL, to bound cardinality)',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.eventsIngested = new Counter({
      name: 'strata_events_ingested_total',
      help: 'Events accepted by the gateway and acknowledged by Kafka',
      labelNames: ['topic'],
      registers,
    });
  }

  /** Adds a source the `strata_consumer_lag` gauge asks on every scrape (see kafkaConsumerLagSource). */
  watchConsumerLag(source: ConsumerLagSource): void {
    this.lagSources.push(source);
  }

  /** Releases what the lag sources hold (their Kafka admin connections). */
  async close(): Promise<void> {
    await Promise.all(this.lagSources.map((source) => source.close?.()));
  }

  /** The Prometheus text exposition of this registry. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
