import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigResourceTypes, ConfigSource, KafkaJSServerDoesNotSupportApiKey, type Admin } from 'kafkajs';
import {
  applyTopicPlan,
  formatPlan,
  planTopics,
  readTopics,
  readTopicsFile,
  withReplicationFactor,
  type ExistingTopic,
  type TopicSpec,
  Topics,
} from '@strata/kafka';

const eventLog = {
  'retention.ms': '-1',
  'retention.bytes': '-1',
  'cleanup.policy': 'delete',
  'min.insync.replicas': '2',
};
const items: TopicSpec = { name: 'strata.items', partitions: 12, replicationFactor: 3, configs: eventLog };

function existing(overrides: Partial<ExistingTopic> = {}): ExistingTopic {
  return {
    partitions: 12,
    replicationFactor: 3,
    configs: { values: { ...eventLog, 'segment.bytes': '1073741824' }, topicOverrides: { ...eventLog } },
    ...overrides,
  };
}

describe('infra/topics.yaml', () => {
  it('declares every topic of the event model with infinite retention', async () => {
    const specs = await readTopicsFile(path.join(__dirname, '../../infra/topics.yaml'));
    expect(specs.map((spec) => spec.name).sort()).toEqual(Object.values(Topics).sort());
    for (const spec of specs) {
      expect(spec.configs).toMatchObject({
        'retention.ms': '-1',
        'retention.bytes': '-1',
        'cleanup.policy': 'delete',
      });
      expect(Number(spec.configs['min.insync.replicas'])).toBeLessThan(spec.replicationFactor);
    }
  });
});

describe('readTopicsFile', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'strata-topics-'));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  it.each([
    ['topics: []', /topics/],
    ['topics: [{ name: a, partitions: 0, replicationFactor: 1 }]', /topics\.0\.partitions/],
    ['topics: [{ name: "bad name", partitions: 1, replicationFactor: 1 }]', /topics\.0\.name/],
    [
      'topics: [{ name: a, partitions: 1, replicationFactor: 1, configs: { min.insync.replicas: 2 } }]',
      /min\.insync\.replicas must not exceed replicationFactor/,
    ],
    [
      'topics: [{ name: a, partitions: 1, replicationFactor: 1 }, { name: a, partitions: 1, replicationFactor: 1 }]',
      /listed twice/,
    ],
  ])('rejects %s naming the problem', async (content, message) => {
    const file = path.join(directory, 'topics.yaml');
    await writeFile(file, content);
    await expect(readTopicsFile(file)).rejects.toThrow(message);
  });
});

describe('withReplicationFactor', () => {
  it('sets the replication factor and caps min.insync.replicas to it', () => {
    const [single] = withReplicationFactor([items], 1);
    expect(single.replicationFactor).toBe(1);
    expect(single.configs['min.insync.replicas']).toBe('1');
    expect(items.configs['min.insync.replicas']).toBe('2');
  });
});

describe('planTopics', () => {
  it('creates a missing topic with all its configs', () => {
    const [plan] = planTopics([items], new Map(), 3);
    expect(plan).toMatchObject({ action: 'create', spec: items, problems: [] });
  });

  it('refuses to create a topic with more replicas than brokers, suggesting the override', () => {
    const [plan] = planTopics([items], new Map(), 1);
    expect(plan.problems).toEqual([expect.stringContaining('--replication-factor 1')]);
  });

  it('leaves a matching topic unchanged, whatever the broker defaults of other configs', () => {
    const [plan] = planTopics([items], new Map([['strata.items', existing()]]), 3);
    expect(plan).toMatchObject({ action: 'unchanged', configChanges: [], problems: [] });
  });

  it('adds partitions when the topic has fewer', () => {
    const [plan] = planTopics([items], new Map([['strata.items', existing({ partitions: 4 })]]), 3);
    expect(plan).toMatchObject({ action: 'update', addPartitions: { from: 4, to: 12 } });
  });

  it('never removes partitions, reporting the difference instead', () => {
    const [plan] = planTopics([items], new Map([['strata.items', existing({ partitions: 24 })]]), 3);
    expect(plan).toMatchObject({ action: 'unchanged', addPartitions: undefined });
    expect(plan.problems).toEqual([expect.stringContaining('cannot remove partitions')]);
  });

  it('reports a different replication factor without touching it', () => {
    const [plan] = planTopics([items], new Map([['strata.items', existing({ replicationFactor: 1 })]]), 3);
    expect(plan.action).toBe('unchanged');
    expect(plan.problems).toEqual([expect.stringContaining('partition reassignment')]);
  });

  it('corrects differing configs, keeping the topic’s other overrides (AlterConfigs replaces them all)', () => {
    const topic = existing({
      configs: {
        values: { ...eventLog, 'retention.ms': '604800000', 'max.message.bytes': '2000000' },
        topicOverrides: { 'retention.ms': '604800000', 'max.message.bytes': '2000000' },
      },
    });
    const [plan] = planTopics([items], new Map([['strata.items', topic]]), 3);
    expect(plan).toMatchObject({
      action: 'update',
      configChanges: [{ name: 'retention.ms', from: '604800000', to: '-1' }],
      alterConfigEntries: { ...eventLog, 'max.message.bytes': '2000000' },
    });
  });

  it('says so when the broker cannot describe configs, rather than guessing', () => {
    const [plan] = planTopics([items], new Map([['strata.items', existing({ configs: undefined })]]), 3);
    expect(plan.action).toBe('unchanged');
    expect(plan.problems).toEqual([expect.stringContaining('does not support DescribeConfigs')]);
  });
});

describe('formatPlan', () => {
  it('prints one aligned row per topic and the problems under it', () => {
    const text = formatPlan(
      planTopics(
        [items, { ...items, name: 'strata.runs', partitions: 6 }],
        new Map([['strata.runs', existing({ partitions: 8 })]]),
        3,
      ),
    );
    expect(text.split('\n')).toEqual([
      'TOPIC         ACTION     DETAILS',
      'strata.items  create     partitions=12, replication=3, retention.ms=-1, retention.bytes=-1, cleanup.policy=delete, min.insync.replicas=2',
      'strata.runs   unchanged  -',
      '  ! has 8 partitions, the file asks for 6: Kafka cannot remove partitions',
    ]);
  });
});

/** The admin calls the command makes, recorded; `unsupported` names APIs that answer like an old broker. */
function recordingAdmin(unsupported: string[] = []) {
  const calls: Array<[string, unknown]> = [];
  const call =
    (name: string, answer: unknown = true) =>
    async (request?: unknown) => {
      calls.push([name, request]);
      if (unsupported.includes(name)) throw new KafkaJSServerDoesNotSupportApiKey('not supported');
      return typeof answer === 'function' ? (answer as (request: unknown) => unknown)(request) : answer;
    };
  const admin = {
    createTopics: call('createTopics'),
    createPartitions: call('createPartitions'),
    alterConfigs: call('alterConfigs'),
    listTopics: call('listTopics', ['strata.items', 'other']),
    fetchTopicMetadata: call('fetchTopicMetadata', {
      topics: [
        {
          name: 'strata.items',
          partitions: [0, 1, 2, 3].map((partition) => ({ partition, replicas: [1, 2, 3] })),
        },
      ],
    }),
    describeConfigs: call('describeConfigs', {
      resources: [
        {
          resourceName: 'strata.items',
          errorCode: 0,
          configEntries: [
            { configName: 'retention.ms', configValue: '604800000', configSource: ConfigSource.TOPIC_CONFIG },
            {
              configName: 'max.message.bytes',
              configValue: '2000000',
              configSource: ConfigSource.TOPIC_CONFIG,
            },
            {
              configName: 'cleanup.policy',
              configValue: 'delete',
              configSource: ConfigSource.DEFAULT_CONFIG,
            },
          ],
        },
      ],
    }),
  };
  return { admin: admin as unknown as Admin, calls };
}

describe('readTopics', () => {
  it('reads partitions, replication factor, config values and which are set on the topic', async () => {
    const { admin } = recordingAdmin();
    const topics = await readTopics(admin, ['strata.items', 'strata.runs']);
    expect([...topics.keys()]).toEqual(['strata.items']);
    expect(topics.get('strata.items')).toEqual({
      partitions: 4,
      replicationFactor: 3,
      configs: {
        values: { 'retention.ms': '604800000', 'max.message.bytes': '2000000', 'cleanup.policy': 'delete' },
        topicOverrides: { 'retention.ms': '604800000', 'max.message.bytes': '2000000' },
      },
    });
  });

  it('leaves configs unknown when the broker has no DescribeConfigs', async () => {
    const { admin } = recordingAdmin(['describeConfigs']);
    expect((await readTopics(admin, ['strata.items'])).get('strata.items')?.configs).toBeUndefined();
  });
});

describe('applyTopicPlan', () => {
  const runs: TopicSpec = { ...items, name: 'strata.runs', partitions: 6 };

  async function planAgainst(admin: Admin) {
    return planTopics([items, runs], await readTopics(admin, ['strata.items', 'strata.runs']), 3);
  }

  it('creates, adds partitions and alters configs, keeping the topic’s other overrides', async () => {
    const { admin, calls } = recordingAdmin();
    expect(await applyTopicPlan(admin, await planAgainst(admin))).toEqual([]);
    const requests = Object.fromEntries(
      calls.filter(([name]) => !['listTopics', 'fetchTopicMetadata', 'describeConfigs'].includes(name)),
    );
    expect(requests.createTopics).toMatchObject({
      topics: [{ topic: 'strata.runs', numPartitions: 6, replicationFactor: 3 }],
    });
    expect(requests.createPartitions).toEqual({ topicPartitions: [{ topic: 'strata.items', count: 12 }] });
    expect(requests.alterConfigs).toEqual({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'strata.items',
          configEntries: expect.arrayContaining([
            { name: 'retention.ms', value: '-1' },
            { name: 'max.message.bytes', value: '2000000' },
          ]),
        },
      ],
    });
  });

  it('reports what a broker without CreatePartitions or AlterConfigs could not do', async () => {
    const { admin } = recordingAdmin(['createPartitions', 'alterConfigs']);
    expect(await applyTopicPlan(admin, await planAgainst(admin))).toEqual([
      'strata.items: partitions not added: the broker does not support CreatePartitions',
      'strata.items: configs left unchanged: the broker does not support AlterConfigs',
    ]);
  });
});
