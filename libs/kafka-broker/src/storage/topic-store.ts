import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { writeFileDurably } from './durable-file';
import { PartitionLog } from './partition-log';
import type { SyncScheduler } from './sync-scheduler';

export interface TopicConfig {
  name: string;
  partitionCount: number;
  configs: Record<string, string>;
}

export interface Topic extends TopicConfig {
  partitions: PartitionLog[];
}

const TOPIC_FILE = 'topic.json';
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export const isLegalTopicName = (name: string): boolean =>
  LEGAL_TOPIC_NAME.test(name) && name !== '.' && name !== '..';

/** Topics and their partition logs under `<dataDir>/topics/<topic>/<partition>/`. */
export class TopicStore {
  private readonly topics = new Map<string, Topic>();
  private readonly root: string;

  constructor(
    dataDir: string,
    private readonly segmentBytes: number,
    private readonly syncScheduler: SyncScheduler,
    private readonly logger: Logger,
  ) {
    this.root = path.join(dataDir, 'topics');
    fs.mkdirSync(this.root, { recursive: true });
    for (const name of fs.readdirSync(this.root)) {
      const file = path.join(this.root, name, TOPIC_FILE);
      // A directory without its topic.json is a topic whose creation never completed.
      if (!fs.existsSync(file)) continue;
      this.openTopic(JSON.parse(fs.readFileSync(file, 'utf8')) as TopicConfig);
    }
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  all(): Topic[] {
    return [...this.topics.values()];
  }

  partition(topic: string, partition: number): PartitionLog | undefined {
    return this.topics.get(topic)?.partitions[partition];
  }

  create(config: TopicConfig): Topic {
    fs.mkdirSync(path.join(this.root, config.name), { recursive: true });
    const topic = this.openTopic(config);
    this.persist(topic);
    this.logger.info({ topic: config.name, partitions: config.partitionCount }, 'topic created');
    return topic;
  }

  /** Grows a topic to `partitionCount` partitions (Kafka never shrinks one). */
  addPartitions(topic: Topic, partitionCount: number): void {
    for (let index = topic.partitionCount; index < partitionCount; index++) {
      topic.partitions.push(this.openPartition(topic.name, index));
    }
    topic.partitionCount = partitionCount;
    this.persist(topic);
    this.logger.info({ topic: topic.name, partitions: partitionCount }, 'partitions added');
  }

  /** Replaces the explicitly set configs of a topic. */
  replaceConfigs(topic: Topic, configs: Record<string, string>): void {
    topic.configs = configs;
    this.persist(topic);
  }

  private persist(topic: Topic): void {
    const config: TopicConfig = {
      name: topic.name,
      partitionCount: topic.partitionCount,
      configs: topic.configs,
    };
    writeFileDurably(path.join(this.root, topic.name, TOPIC_FILE), JSON.stringify(config));
  }

  delete(name: string): boolean {
    const topic = this.topics.get(name);
    if (!topic) return false;
    this.topics.delete(name);
    for (const partition of topic.partitions) partition.close();
    fs.rmSync(path.join(this.root, name), { recursive: true, force: true });
    this.logger.info({ topic: name }, 'topic deleted');
    return true;
  }

  private openTopic(config: TopicConfig): Topic {
    const partitions = Array.from({ length: config.partitionCount }, (_, index) =>
      this.openPartition(config.name, index),
    );
    const topic = { ...config, partitions };
    this.topics.set(config.name, topic);
    return topic;
  }

  private openPartition(topic: string, index: number): PartitionLog {
    const directory = path.join(this.root, topic, String(index));
    return PartitionLog.open(directory, this.segmentBytes, this.syncScheduler, this.logger);
  }

  close(): void {
    for (const topic of this.topics.values()) for (const partition of topic.partitions) partition.close();
    this.topics.clear();
  }
}
