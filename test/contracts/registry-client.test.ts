import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventSerde, eventTypes, subjectOf } from '@strata/contracts';
import { allSampleEvents } from '../../libs/contracts/src/testing/sample-events';
import { TestCluster } from './support/cluster';

describe('@kafkajs/confluent-schema-registry against the embedded registry', () => {
  let cluster: TestCluster;
  beforeEach(async () => {
    cluster = await TestCluster.start();
  });
  afterEach(() => cluster.stop());

  it('registers, encodes and decodes every event type', async () => {
    const serde = new EventSerde({ registryUrl: cluster.registryUrl });
    const ids = await serde.start();
    expect([...ids.keys()]).toEqual([...eventTypes]);

    const client = new SchemaRegistry({ host: cluster.registryUrl });
    for (const event of allSampleEvents()) {
      const { topic, key, value } = await serde.encode(event);
      expect(value.readInt32BE(1)).toBe(ids.get(event.type));
      expect(await client.getLatestSchemaId(subjectOf(event.type))).toBe(ids.get(event.type));
      // The plain Confluent client reads what the serde wrote, and a fresh serde types it again.
      expect({ ...(await client.decode(value)) }).toEqual(event.event);
      expect(await new EventSerde({ registryUrl: cluster.registryUrl }).decode(value)).toEqual(event);
      expect(topic).toBe(subjectOf(event.type).split('-strata.v1.')[0]);
      expect(key).toBeTruthy();
    }
    const subjects = (await (await fetch(`${cluster.registryUrl}/subjects`)).json()) as string[];
    expect(subjects).toEqual(eventTypes.map(subjectOf).sort());
  });

  it('registers idempotently: a second start gets the same ids and no new versions', async () => {
    const first = await new EventSerde({ registryUrl: cluster.registryUrl }).start();
    const second = await new EventSerde({ registryUrl: cluster.registryUrl }).start();
    expect(second).toEqual(first);
    const versions = await fetch(`${cluster.registryUrl}/subjects/${subjectOf('LabelCreated')}/versions`);
    expect(await versions.json()).toEqual([1]);
  });

  it('keeps every id across a registry restart and a broker restart', async () => {
    const serde = new EventSerde({ registryUrl: cluster.registryUrl });
    const ids = await serde.start();
    const written = await Promise.all(allSampleEvents().map((event) => serde.encode(event)));
    const schemaText = await (await fetch(`${cluster.registryUrl}/schemas/ids/1`)).text();

    for (const restart of [() => cluster.restartRegistry(), () => cluster.restartAll()]) {
      await restart();
      const fresh = new EventSerde({ registryUrl: cluster.registryUrl });
      const decoded = await Promise.all(written.map(({ value }) => fresh.decode(value)));
      expect(decoded).toEqual(allSampleEvents());
      expect(await fresh.start()).toEqual(ids);
      expect(await (await fetch(`${cluster.registryUrl}/schemas/ids/1`)).text()).toBe(schemaText);
      const config = await fetch(`${cluster.registryUrl}/config/${subjectOf('RunStarted')}`);
      expect(await config.json()).toEqual({ compatibilityLevel: 'FULL_TRANSITIVE' });
    }
  });
});
