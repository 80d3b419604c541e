import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin, Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from './support/broker-fixture';

describe('embedded broker with the kafkajs admin client', () => {
  let fixture: TestBroker;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    fixture = await startTestBroker();
    admin = fixture.kafka.admin();
    producer = fixture.kafka.producer({ allowAutoTopicCreation: false });
    await Promise.all([admin.connect(), producer.connect()]);
  });

  afterAll(async () => {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
    await fixture.cleanup();
  });

  it('creates topics, refuses duplicates and describes them', async () => {
    expect(await admin.createTopics({ topics: [{ topic: 'admin.created', numPartitions: 4 }] })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: 'admin.created', numPartitions: 4 }] })).toBe(false);
    expect(await admin.createTopics({ topics: [{ topic: 'admin.defaulted' }] })).toBe(true);

    const { topics } = await admin.fetchTopicMetadata({ topics: ['admin.created', 'admin.defaulted'] });
    expect(topics.map((topic) => [topic.name, topic.partitions.length]).sort()).toEqual([
      ['admin.created', 4],
      ['admin.defaulted', 3],
    ]);
    expect(topics[0].partitions.every((partition) => partition.leader === 0)).toBe(true);
    expect(await admin.listTopics()).toEqual(expect.arrayContaining(['admin.created', 'admin.defaulted']));
  });

  it('refuses an illegal topic name and a replication factor above one', async () => {
    await expect(admin.createTopics({ topics: [{ topic: 'bad/name' }] })).rejects.toMatchObject({
      errors: [{ type: 'INVALID_TOPIC_EXCEPTION' }],
    });
    await expect(
      admin.createTopics({ topics: [{ topic: 'replicated', replicationFactor: 3 }] }),
    ).rejects.toMatchObject({
      errors: [{ type: 'INVALID_REPLICATION_FACTOR', topic: 'replicated' }],
    });
  });

  it('reports offsets, and offsets for times at record precision', async () => {
    await admin.createTopics({ topics: [{ topic: 'admin.offsets', numPartitions: 2 }] });
    const message = (i: number, timestamp: number) => ({
      value: `m${i}`,
      timestamp: String(timestamp),
      partition: 0,
    });
    await producer.send({
      topic: 'admin.offsets',
      messages: [0, 1, 2, 3, 4].map((i) => message(i, 1_000 + i)),
    });
    await producer.send({ topic: 'admin.offsets', messages: [5, 6, 7].map((i) => message(i, 2_000 + i)) });

    expect(await admin.fetchTopicOffsets('admin.offsets')).toEqual([
      { partition: 0, offset: '8', high: '8', low: '0' },
      { partition: 1, offset: '0', high: '0', low: '0' },
    ]);
    const byTime = async (timestamp: number) =>
      (await admin.fetchTopicOffsetsByTimestamp('admin.offsets', timestamp)).find(
        (entry) => entry.partition === 0,
      )?.offset;
    expect(await byTime(1_003)).toBe('3'); // inside the first batch: record precision
    expect(await byTime(1_500)).toBe('5');
    expect(await byTime(0)).toBe('0');
    expect(await byTime(9_999)).toBe('8'); // no such record: kafkajs falls back to the high watermark
  });

  it('sets, resets and fetches group offsets', async () => {
    await admin.createTopics({ topics: [{ topic: 'admin.groups', numPartitions: 2 }] });
    await producer.send({
      topic: 'admin.groups',
      messages: [
        { value: 'a', partition: 0 },
        { value: 'b', partition: 0 },
      ],
    });
    const fetchOffsets = async () =>
      (await admin.fetchOffsets({ groupId: 'admin-group', topics: ['admin.groups'] }))[0].partitions
        .map(({ partition, offset }) => ({ partition, offset }))
        .sort((a, b) => a.partition - b.partition);

    expect(await fetchOffsets()).toEqual([
      { partition: 0, offset: '-1' },
      { partition: 1, offset: '-1' },
    ]);
    await admin.setOffsets({
      groupId: 'admin-group',
      topic: 'admin.groups',
      partitions: [{ partition: 0, offset: '1' }],
    });
    expect((await fetchOffsets())[0]).toEqual({ partition: 0, offset: '1' });
    await admin.resetOffsets({ groupId: 'admin-group', topic: 'admin.groups', earliest: true });
    expect(await fetchOffsets()).toEqual([
      { partition: 0, offset: '-2' },
      { partition: 1, offset: '-2' },
    ]);
    await admin.resetOffsets({ groupId: 'admin-group', topic: 'admin.groups', earliest: false });
    expect((await fetchOffsets())[1]).toEqual({ partition: 1, offset: '-1' });

    const { groups } = await admin.describeGroups(['admin-group', 'never-seen']);
    expect(groups.map((group) => group.state)).toEqual(['Empty', 'Dead']);
    expect((await admin.listGroups()).groups.map((group) => group.groupId)).toContain('admin-group');
  });

  it('describes topic configs, including ones given at creation', async () => {
    await admin.createTopics({
      topics: [{ topic: 'admin.configs', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    });
    const { resources } = await admin.describeConfigs({
      resources: [{ type: 2, name: 'admin.configs' }],
      includeSynonyms: false,
    });
    const configs = Object.fromEntries(resources[0].configEntries.map((entry) => [entry.configName, entry]));
    expect(configs['cleanup.policy']).toMatchObject({ configValue: 'compact', isDefault: false });
    expect(configs['retention.ms']).toMatchObject({ configValue: '-1', isDefault: true });
  });

  it('describes several topics, and the broker, in one request', async () => {
    await admin.createTopics({
      topics: [
        { topic: 'admin.configs.compacted', configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
        { topic: 'admin.configs.plain' },
      ],
    });
    const { resources } = await admin.describeConfigs({
      resources: [
        { type: 2, name: 'admin.configs.compacted' },
        { type: 2, name: 'admin.configs.plain', configNames: ['cleanup.policy', 'retention.ms'] },
        { type: 4, name: '0', configNames: ['num.partitions'] },
      ],
      includeSynonyms: true,
    });
    const described = resources.map((resource) => [
      resource.resourceName,
      resource.errorCode,
      Object.fromEntries(resource.configEntries.map((entry) => [entry.configName, entry.configValue])),
    ]);
    expect(described).toEqual([
      [
        'admin.configs.compacted',
        0,
        expect.objectContaining({ 'cleanup.policy': 'compact', 'retention.ms': '-1' }),
      ],
      ['admin.configs.plain', 0, { 'cleanup.policy': 'delete', 'retention.ms': '-1' }],
      ['0', 0, { 'num.partitions': '3' }],
    ]);
  });

  it('adds partitions and alters topic configs, durably', async () => {
    await admin.createTopics({ topics: [{ topic: 'admin.grown', numPartitions: 1 }] });
    await admin.createPartitions({ topicPartitions: [{ topic: 'admin.grown', count: 3 }] });
    await expect(
      admin.createPartitions({ topicPartitions: [{ topic: 'admin.grown', count: 2 }] }),
    ).rejects.toThrow();
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: 2, name: 'admin.grown', configEntries: [{ name: 'retention.ms', value: '1000' }] }],
    });

    await Promise.all([admin.disconnect(), producer.disconnect()]);
    await fixture.restart();
    admin = fixture.kafka.admin();
    producer = fixture.kafka.producer({ allowAutoTopicCreation: false });
    await Promise.all([admin.connect(), producer.connect()]);

    const { topics } = await admin.fetchTopicMetadata({ topics: ['admin.grown'] });
    expect(topics[0].partitions).toHaveLength(3);
    await producer.send({ topic: 'admin.grown', messages: [{ value: 'in a new partition', partition: 2 }] });
    expect((await admin.fetchTopicOffsets('admin.grown'))[2].high).toBe('1');
    const { resources } = await admin.describeConfigs({
      resources: [{ type: 2, name: 'admin.grown', configNames: ['retention.ms'] }],
      includeSynonyms: false,
    });
    expect(resources[0].configEntries).toEqual([
      expect.objectContaining({
        configName: 'retention.ms',
        configValue: '1000',
        isDefault: false,
        configSource: 1,
      }),
    ]);
  });

  it('deletes topics', async () => {
    await admin.createTopics({ topics: [{ topic: 'admin.doomed', numPartitions: 1 }] });
    await producer.send({ topic: 'admin.doomed', messages: [{ value: 'gone soon' }] });
    await admin.deleteTopics({ topics: ['admin.doomed'] });
    expect(await admin.listTopics()).not.toContain('admin.doomed');
    // Recreated under the same name, it starts empty.
    await admin.createTopics({ topics: [{ topic: 'admin.doomed', numPartitions: 1 }] });
    expect(await admin.fetchTopicOffsets('admin.doomed')).toEqual([
      { partition: 0, offset: '0', high: '0', low: '0' },
    ]);
  });
});
