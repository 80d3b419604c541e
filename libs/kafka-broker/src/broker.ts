import net from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import pino from 'pino';
import { Connection } from './connection';
import type { BrokerContext } from './handlers/context';
import { GroupCoordinator } from './group/group-coordinator';
import { OffsetStore } from './storage/offset-store';
import { ProducerIdAllocator } from './storage/producer-ids';
import { SyncScheduler } from './storage/sync-scheduler';
import { TopicStore } from './storage/topic-store';

export interface BrokerOptions {
  /** 0 = an ephemeral port. */
  port?: number;
  /** Bind address, default 127.0.0.1. */
  host?: string;
  /** Host clients are told to connect to (Metadata, FindCoordinator); default: the bound host. */
  advertisedHost?: string;
  advertisedPort?: number;
  dataDir: string;
  /** Partitions of auto-created topics and of CreateTopics with −1; default 3. */
  defaultPartitions?: number;
  /** Frames above this close the connection; default 100 MiB (Kafka's socket.request.max.bytes). */
  maxFrameBytes?: number;
  logger?: Logger;
  /** How long a group starting from empty waits for more members; default 300 ms. */
  groupInitialRebalanceDelayMs?: number;
  /** Segment size before rolling to a new file; default 1 GiB. */
  segmentBytes?: number;
  /** Create topics on Metadata requests that allow it (kcat -P relies on this); default true. */
  autoCreateTopics?: boolean;
}

const NODE_ID = 0;

/**
 * A single-node Kafka broker speaking the real wire protocol, for tests, development and one-machine
 * installs. Unmodified kafkajs, librdkafka (kcat) and confluent-kafka clients talk to it.
 */
export class EmbeddedBroker {
  private readonly connections = new Set<Connection>();

  private constructor(
    private readonly server: net.Server,
    private readonly stopController: AbortController,
    private readonly context: BrokerContext,
    private readonly syncScheduler: SyncScheduler,
    readonly host: string,
    readonly port: number,
  ) {
    // Errors after listening (e.g. EMFILE on accept) are logged; the broker keeps serving.
    server.on('error', (error) => context.logger.error({ err: error }, 'server socket error'));
    server.on('connection', (socket) => {
      const connection = new Connection(socket, context);
      this.connections.add(connection);
      socket.on('close', () => this.connections.delete(connection));
    });
  }

  static async start(options: BrokerOptions): Promise<EmbeddedBroker> {
    const logger = (options.logger ?? pino({ level: 'info' }, pino.destination(2))).child({
      component: 'broker',
    });
    const host = options.host ?? '127.0.0.1';
    const segmentBytes = options.segmentBytes ?? 1024 ** 3;
    const syncScheduler = new SyncScheduler();
    const topics = new TopicStore(options.dataDir, segmentBytes, syncScheduler, logger);
    const highestProducerId = Math.max(
      -1,
      ...topics
        .all()
        .flatMap((topic) => topic.partitions.map((partition) => partition.producers.maxProducerId())),
    );
    const server = net.createServer();
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      topics.close(); // e.g. the port is taken: release the files before giving up
      throw error;
    }
    const port = (server.address() as net.AddressInfo).port;
    const stopController = new AbortController();
    const context: BrokerContext = {
      nodeId: NODE_ID,
      advertisedHost: options.advertisedHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host),
      advertisedPort: options.advertisedPort ?? port,
      defaultPartitions: options.defaultPartitions ?? 3,
      autoCreateTopics: options.autoCreateTopics ?? true,
      segmentBytes,
      maxFrameBytes: options.maxFrameBytes ?? 100 * 1024 * 1024,
      topics,
      offsets: new OffsetStore(options.dataDir, syncScheduler),
      groups: new GroupCoordinator(options.groupInitialRebalanceDelayMs ?? 300, logger),
      producerIds: new ProducerIdAllocator(options.dataDir, highestProducerId),
      logger,
      stopping: stopController.signal,
    };
    const broker = new EmbeddedBroker(server, stopController, context, syncScheduler, host, port);
    logger.info(
      { host, port, dataDir: path.resolve(options.dataDir), topics: topics.all().length },
      'broker started',
    );
    return broker;
  }

  /** "host:port" for kafkajs `brokers: [broker.bootstrap]`. */
  get bootstrap(): string {
    return `${this.context.advertisedHost}:${this.context.advertisedPort}`;
  }

  /** Closes every socket, then syncs and closes every file. */
  async stop(): Promise<void> {
    this.stopController.abort();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const connection of this.connections) connection.close();
    await closed;
    this.context.groups.close();
    await this.syncScheduler.flush();
    this.context.topics.close();
    this.context.offsets.close();
    this.context.logger.info('broker stopped');
  }
}
