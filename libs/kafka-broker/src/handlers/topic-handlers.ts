import { alterConfigs } from '../protocol/alter-configs';
import { createPartitions } from '../protocol/create-partitions';
import { ErrorCode } from '../protocol/error-codes';
import { createTopics, type CreatableTopic } from '../protocol/create-topics';
import { deleteTopics } from '../protocol/delete-topics';
import {
  ConfigResourceType,
  describeConfigs,
  type ConfigResource,
  type DescribeConfigsResult,
} from '../protocol/describe-configs';
import { metadata, type TopicMetadata } from '../protocol/metadata';
import { isLegalTopicName, type Topic } from '../storage/topic-store';
import { route, type BrokerContext } from './context';

function describeTopic(context: BrokerContext, topic: Topic): TopicMetadata {
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    partitions: topic.partitions.map((_, partitionIndex) => ({
      errorCode: ErrorCode.NONE,
      partitionIndex,
      leaderId: context.nodeId,
    })),
  };
}

const missingTopic = (name: string, errorCode: number): TopicMetadata => ({
  errorCode,
  name,
  partitions: [],
});

export const metadataRoute = route(metadata, (context, request) => {
  const topics = (request.topics ?? context.topics.all().map((topic) => topic.name)).map((name) => {
    const topic = context.topics.get(name);
    if (topic) return describeTopic(context, topic);
    if (!isLegalTopicName(name)) return missingTopic(name, ErrorCode.INVALID_TOPIC_EXCEPTION);
    if (!request.allowAutoTopicCreation || !context.autoCreateTopics) {
      return missingTopic(name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    }
    return describeTopic(
      context,
      context.topics.create({ name, partitionCount: context.defaultPartitions, configs: {} }),
    );
  });
  return {
    brokers: [{ nodeId: context.nodeId, host: context.advertisedHost, port: context.advertisedPort }],
    clusterId: 'strata-embedded',
    // Must be this broker: kafkajs sends admin requests to the controller.
    controllerId: context.nodeId,
    topics,
  };
});

/** Configs given by a client; a null value means "the default", i.e. not set. */
function explicitConfigs(configs: { name: string; value: string | null }[]): Record<string, string> {
  return Object.fromEntries(
    configs.flatMap((config) => (config.value === null ? [] : [[config.name, config.value] as const])),
  );
}

function refuseTopic(context: BrokerContext, topic: CreatableTopic): [number, string] | undefined {
  if (!isLegalTopicName(topic.name))
    return [ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic name "${topic.name}" is illegal`];
  if (context.topics.get(topic.name))
    return [ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${topic.name}' already exists.`];
  if (topic.numPartitions === 0 || topic.numPartitions < -1) {
    return [ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.'];
  }
  if (topic.replicationFactor > 1) {
    return [
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `Replication factor: ${topic.replicationFactor} larger than available brokers: 1.`,
    ];
  }
  return undefined;
}

export const createTopicsRoute = route(createTopics, (context, request) => ({
  topics: request.topics.map((topic) => {
    const refusal = refuseTopic(context, topic);
    if (refusal) return { name: topic.name, errorCode: refusal[0], errorMessage: refusal[1] };
    if (!request.validateOnly) {
      const partitionCount =
        topic.assignments.length > 0
          ? topic.assignments.length
          : topic.numPartitions === -1
            ? context.defaultPartitions
            : topic.numPartitions;
      context.topics.create({ name: topic.name, partitionCount, configs: explicitConfigs(topic.configs) });
    }
    return { name: topic.name, errorCode: ErrorCode.NONE, errorMessage: null };
  }),
}));

export const deleteTopicsRoute = route(deleteTopics, (context, names) => ({
  topics: names.map((name) => {
    if (!context.topics.delete(name)) return { name, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
    context.offsets.forgetTopic(name);
    return { name, errorCode: ErrorCode.NONE };
  }),
}));

/** What a topic is known to do here: retention is infinite because the log is the source of truth. */
function topicDefaults(context: BrokerContext): Record<string, string> {
  return {
    'cleanup.policy': 'delete',
    'retention.ms': '-1',
    'retention.bytes': '-1',
    'message.timestamp.type': 'CreateTime',
    'compression.type': 'producer',
    'segment.bytes': String(context.segmentBytes),
    'max.message.bytes': String(context.maxFrameBytes),
    'min.insync.replicas': '1',
  };
}

function brokerConfigs(context: BrokerContext): Record<string, string> {
  return {
    'num.partitions': String(context.defaultPartitions),
    'auto.create.topics.enable': String(context.autoCreateTopics),
    'default.replication.factor': '1',
    'log.retention.ms': '-1',
  };
}

function describeResource(context: BrokerContext, resource: ConfigResource): DescribeConfigsResult {
  const result = { resourceType: resource.resourceType, resourceName: resource.resourceName };
  let defaults: Record<string, string>;
  let explicit: Record<string, string> = {};
  if (resource.resourceType === ConfigResourceType.TOPIC) {
    const topic = context.topics.get(resource.resourceName);
    if (!topic) {
      return {
        ...result,
        errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        errorMessage: `Topic ${resource.resourceName} does not exist`,
        configs: [],
      };
    }
    defaults = topicDefaults(context);
    explicit = topic.configs;
  } else if (resource.resourceType === ConfigResourceType.BROKER) {
    defaults = brokerConfigs(context);
  } else {
    return {
      ...result,
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'unsupported resource type',
      configs: [],
    };
  }
  const names = Object.keys({ ...defaults, ...explicit }).filter(
    (name) => resource.configNames === null || resource.configNames.includes(name),
  );
  return {
    ...result,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    configs: names.map((name) => ({
      name,
      value: explicit[name] ?? defaults[name],
      readOnly: false,
      isDefault: !(name in explicit),
    })),
  };
}

export const describeConfigsRoute = route(describeConfigs, (context, resources) =>
  resources.map((resource) => describeResource(context, resource)),
);

export const createPartitionsRoute = route(createPartitions, (context, request) => ({
  results: request.topics.map(({ name, count }) => {
    const topic = context.topics.get(name);
    if (!topic) {
      return {
        name,
        errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        errorMessage: `Topic '${name}' does not exist.`,
      };
    }
    if (count <= topic.partitionCount) {
      return {
        name,
        errorCode: ErrorCode.INVALID_PARTITIONS,
        errorMessage: `Topic currently has ${topic.partitionCount} partitions, which is higher than the requested ${count}.`,
      };
    }
    if (!request.validateOnly) context.topics.addPartitions(topic, count);
    return { name, errorCode: ErrorCode.NONE, errorMessage: null };
  }),
}));

export const alterConfigsRoute = route(alterConfigs, (context, request) =>
  request.resources.map((resource) => {
    const result = { resourceType: resource.resourceType, resourceName: resource.resourceName };
    if (resource.resourceType !== ConfigResourceType.TOPIC) {
      return {
        ...result,
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: 'only topic configs can be altered',
      };
    }
    const topic = context.topics.get(resource.resourceName);
    if (!topic) {
      return { ...result, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'unknown topic' };
    }
    if (!request.validateOnly) context.topics.replaceConfigs(topic, explicitConfigs(resource.configs));
    return { ...result, errorCode: ErrorCode.NONE, errorMessage: null };
  }),
);
