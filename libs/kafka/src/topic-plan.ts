import { readFile } from 'node:fs/promises';
import {
  ConfigResourceTypes,
  ConfigSource,
  KafkaJSServerDoesNotSupportApiKey,
  type Admin,
  type DescribeConfigResponse,
} from 'kafkajs';
import { parse } from 'yaml';
import { z } from 'zod';

/*
 * Declarative topics (infra/topics.yaml), used by `strata topics apply` and `strata up`. Deciding what to change is
 * the pure planTopics(); the kafkajs calls around it only read the cluster and carry the plan out.
 */

const configValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const topicSpecSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9._-]{1,249}$/, 'a Kafka topic name: letters, digits, . _ -'),
    partitions: z.number().int().positive(),
    replicationFactor: z.number().int().positive(),
    configs: z.record(z.string(), configValue).default({}),
  })
  .refine((topic) => Number(topic.configs['min.insync.replicas'] ?? 1) <= topic.replicationFactor, {
    message: 'min.insync.replicas must not exceed replicationFactor',
  });

const topicsFileSchema = z
  .object({ topics: z.array(topicSpecSchema).min(1) })
  .refine((file) => new Set(file.topics.map((t) => t.name)).size === file.topics.length, {
    message: 'a topic is listed twice',
  });

export type TopicSpec = z.output<typeof topicSpecSchema>;

/** A topics file or flag that is not usable: the operator's to fix, reported without a stack. */
export class TopicsInputError extends Error {
  override name = 'TopicsInputError';
}

/** Reads and validates a topics file; the error names the file and the offending field. */
export async function readTopicsFile(path: string): Promise<TopicSpec[]> {
  let content: unknown;
  try {
    content = parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new TopicsInputError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const parsed = topicsFileSchema.safeParse(content);
  if (!parsed.success) {
    const reasons = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`,
    );
    throw new TopicsInputError(`${path} is not a valid topics file: ${reasons.join('; ')}`);
  }
  return parsed.data.topics;
}

/**
 * For a cluster with fewer brokers than the file asks for (a single-node cluster): every topic gets
 * this replication factor, and min.insync.replicas is capped to it, or no write could ever succeed.
 */
export function withReplicationFactor(specs: TopicSpec[], replicationFactor: number): TopicSpec[] {
  return specs.map((spec) => {
    const configs = { ...spec.configs };
    if (Number(configs['min.insync.replicas'] ?? 1) > replicationFactor) {
      configs['min.insync.replicas'] = String(replicationFactor);
    }
    return { ...spec, replicationFactor, configs };
  });
}

/** A topic as the cluster has it. */
export interface ExistingTopic {
  partitions: number;
  replicationFactor: number;
  /**
   * Current values of the topic's configs, and which of them are set on the topic itself (rather than
   * inherited from the broker); undefined when the broker does not answer DescribeConfigs.
   */
  configs?: { values: Record<string, string>; topicOverrides: Record<string, string> };
}

export interface ConfigChange {
  name: string;
  from: string | undefined;
  to: string;
}

export type TopicPlan =
  | { topic: string; action: 'create'; spec: TopicSpec; problems: string[] }
  | {
      topic: string;
      action: 'update' | 'unchanged';
      /** Partitions to grow to, when the topic has fewer than the file asks for. */
      addPartitions?: { from: number; to: number };
      configChanges: ConfigChange[];
      /** The configs to send with AlterConfigs, which replaces a topic's whole set of overrides. */
      alterConfigEntries: Record<string, string>;
      problems: string[];
    };

/**
 * What to do to make the cluster match the file: create missing topics, add partitions, correct
 * configs. Differences that cannot or must not be fixed here (fewer partitions wanted, another
 * replication factor, configs unreadable) become problems, reported and never "fixed".
 */
export function planTopics(
  specs: TopicSpec[],
  existing: ReadonlyMap<string, ExistingTopic>,
  brokerCount: number,
): TopicPlan[] {
  return specs.map((spec): TopicPlan => {
    const topic = existing.get(spec.name);
    if (!topic) {
      const problems =
        spec.replicationFactor > brokerCount
          ? [
              `replication factor ${spec.replicationFactor} needs ${spec.replicationFactor} brokers, the cluster has ` +
                `${brokerCount} (use --replication-factor ${brokerCount} for a smaller cluster)`,
            ]
          : [];
      return { topic: spec.name, action: 'create', spec, problems };
    }
    const problems: string[] = [];
    let addPartitions: { from: number; to: number } | undefined;
    if (topic.partitions < spec.partitions) {
      addPartitions = { from: topic.partitions, to: spec.partitions };
    } else if (topic.partitions > spec.partitions) {
      problems.push(
        `has ${topic.partitions} partitions, the file asks for ${spec.partitions}: Kafka cannot remove partitions`,
      );
    }
    if (topic.replicationFactor !== spec.replicationFactor) {
      problems.push(
        `replication factor is ${topic.replicationFactor}, the file asks for ${spec.replicationFactor}: ` +
          'changing it needs a partition reassignment (kafka-reassign-partitions.sh), not done here',
      );
    }
    const configChanges: ConfigChange[] = [];
    if (topic.configs) {
      for (const [name, value] of Object.entries(spec.configs)) {
        const current = topic.configs.values[name];
        if (current !== value) configChanges.push({ name, from: current, to: value });
      }
    } else {
      problems.push('configs not compared: the broker does not support DescribeConfigs');
    }
    return {
      topic: spec.name,
      action: addPartitions || configChanges.length ? 'update' : 'unchanged',
      addPartitions,
      configChanges,
      alterConfigEntries: { ...topic.configs?.topicOverrides, ...spec.configs },
      problems,
    };
  });
}

/** The plan as a table: one line per topic, problems indented below it. */
export function formatPlan(plans: TopicPlan[]): string {
  const rows = plans.map((plan) => {
    let details: string;
    if (plan.action === 'create') {
      const configs = Object.entries(plan.spec.configs).map(([name, value]) => `${name}=${value}`);
      details = [
        `partitions=${plan.spec.partitions}`,
        `replication=${plan.spec.replicationFactor}`,
        ...configs,
      ].join(', ');
    } else {
      const changes = [
        ...(plan.addPartitions ? [`partitions ${plan.addPartitions.from} → ${plan.addPartitions.to}`] : []),
        ...plan.configChanges.map((change) => `${change.name} ${change.from ?? '(unset)'} → ${change.to}`),
      ];
      details = changes.join(', ') || '-';
    }
    return { topic: plan.topic, action: plan.action, details, problems: plan.problems };
  });
  const topicWidth = Math.max('TOPIC'.length, ...rows.map((row) => row.topic.length));
  const actionWidth = Math.max('ACTION'.length, ...rows.map((row) => row.action.length));
  const line = (topic: string, action: string, details: string) =>
    `${topic.padEnd(topicWidth)}  ${action.padEnd(actionWidth)}  ${details}`.trimEnd();
  return [
    line('TOPIC', 'ACTION', 'DETAILS'),
    ...rows.flatMap((row) => [
      line(row.topic, row.action, row.details),
      ...row.problems.map((p) => `  ! ${p}`),
    ]),
  ].join('\n');
}

/** Reads what the cluster has of the given topics. */
export async function readTopics(admin: Admin, names: string[]): Promise<Map<string, ExistingTopic>> {
  const present = new Set(await admin.listTopics());
  const wanted = names.filter((name) => present.has(name));
  const existing = new Map<string, ExistingTopic>();
  if (wanted.length === 0) return existing;
  for (const metadata of (await admin.fetchTopicMetadata({ topics: wanted })).topics) {
    existing.set(metadata.name, {
      partitions: metadata.partitions.length,
      replicationFactor: metadata.partitions[0]?.replicas.length ?? 0,
    });
  }
  let resources: DescribeConfigResponse['resources'];
  try {
    // One topic per request: a handful of topics, and it spares brokers that mis-encode several.
    resources = (
      await Promise.all(
        wanted.map((name) =>
          admin.describeConfigs({
            resources: [{ type: ConfigResourceTypes.TOPIC, name }],
            includeSynonyms: false,
          }),
        ),
      )
    ).flatMap((described) => described.resources);
  } catch (error) {
    if (error instanceof KafkaJSServerDoesNotSupportApiKey) return existing;
    throw error;
  }
  for (const resource of resources) {
    const topic = existing.get(resource.resourceName);
    if (!topic) continue;
    if (resource.errorCode !== 0) {
      throw new Error(
        `DescribeConfigs of ${resource.resourceName} failed: ${resource.errorMessage || resource.errorCode}`,
      );
    }
    const values: Record<string, string> = {};
    const topicOverrides: Record<string, string> = {};
    for (const entry of resource.configEntries) {
      values[entry.configName] = entry.configValue;
      if (entry.configSource === ConfigSource.TOPIC_CONFIG)
        topicOverrides[entry.configName] = entry.configValue;
    }
    topic.configs = { values, topicOverrides };
  }
  return existing;
}

/** Carries out a plan; returns the steps the broker refused, each with why. */
export async function applyTopicPlan(admin: Admin, plans: TopicPlan[]): Promise<string[]> {
  const failures: string[] = [];
  const creates = plans.flatMap((plan) =>
    plan.action === 'create' && plan.problems.length === 0 ? [plan.spec] : [],
  );
  if (creates.length) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: creates.map((spec) => ({
        topic: spec.name,
        numPartitions: spec.partitions,
        replicationFactor: spec.replicationFactor,
        configEntries: Object.entries(spec.configs).map(([name, value]) => ({ name, value })),
      })),
    });
  }
  for (const plan of plans) {
    if (plan.action !== 'update') continue;
    if (plan.addPartitions) {
      const { to } = plan.addPartitions;
      await unlessUnsupported(
        () => admin.createPartitions({ topicPartitions: [{ topic: plan.topic, count: to }] }),
        () =>
          failures.push(`${plan.topic}: partitions not added: the broker does not support CreatePartitions`),
      );
    }
    if (plan.configChanges.length === 0) continue;
    const configEntries = Object.entries(plan.alterConfigEntries).map(([name, value]) => ({ name, value }));
    await unlessUnsupported(
      () =>
        admin.alterConfigs({
          validateOnly: false,
          resources: [{ type: ConfigResourceTypes.TOPIC, name: plan.topic, configEntries }],
        }),
      () => failures.push(`${plan.topic}: configs left unchanged: the broker does not support AlterConfigs`),
    );
  }
  return failures;
}

/** Runs a request, or `otherwise` when the broker does not implement its API (old or minimal brokers). */
async function unlessUnsupported(request: () => Promise<unknown>, otherwise: () => void): Promise<void> {
  try {
    await request();
  } catch (error) {
    if (!(error instanceof KafkaJSServerDoesNotSupportApiKey)) throw error;
    otherwise();
  }
}

export interface TopicsApplyResult {
  plan: TopicPlan[];
  /** The plan computed again after applying; actions left in it mean the cluster did not converge. */
  after?: TopicPlan[];
  failures: string[];
}

/** Plans, applies (unless dryRun) and re-reads the cluster to confirm it now matches. */
export async function applyTopics(
  admin: Admin,
  specs: TopicSpec[],
  dryRun: boolean,
): Promise<TopicsApplyResult> {
  const names = specs.map((spec) => spec.name);
  const brokerCount = (await admin.describeCluster()).brokers.length;
  const plan = planTopics(specs, await readTopics(admin, names), brokerCount);
  if (dryRun || plan.every((topic) => topic.action === 'unchanged')) return { plan, failures: [] };
  const failures = await applyTopicPlan(admin, plan);
  const after = planTopics(specs, await readTopics(admin, names), brokerCount);
  return { plan, after, failures };
}
