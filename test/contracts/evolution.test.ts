import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventSerde, subjectOf } from '@strata/contracts';
import { sampleEvent } from '../../libs/contracts/src/testing/sample-events';
import { TestCluster } from './support/cluster';
import { reviewQueueField, withLabelCreatedFields } from './support/schemas';

describe('schema evolution', () => {
  let cluster: TestCluster;
  let current: EventSerde;
  beforeEach(async () => {
    cluster = await TestCluster.start();
    current = new EventSerde({ registryUrl: cluster.registryUrl });
    await current.start();
  });
  afterEach(() => cluster.stop());

  it('registers an optional field with a default as version 2, readable both ways', async () => {
    const next = new EventSerde({
      registryUrl: cluster.registryUrl,
      schemas: withLabelCreatedFields((fields) => [...fields, reviewQueueField]),
    });
    const ids = await next.start();
    const versions = await fetch(`${cluster.registryUrl}/subjects/${subjectOf('LabelCreated')}/versions`);
    expect(await versions.json()).toEqual([1, 2]);
    const before = await current.start();
    expect(ids.get('LabelCreated')).toBeGreaterThan(Math.max(...before.values()));
    expect(ids.get('RunStarted')).toBe(before.get('RunStarted'));

    const created = sampleEvent('LabelCreated');
    const newer = { ...created, event: { ...created.event, reviewQueue: 'night-shift' } };
    // An old reader meets the new event: it drops the field it does not know.
    expect(await current.decode((await next.encode(newer)).value)).toEqual(created);
    // A new reader meets an old event: the field takes its default.
    expect(await next.decode((await current.encode(created)).value)).toEqual({
      ...created,
      event: { ...created.event, reviewQueue: null },
    });
  });

  it('decodes without waiting once a writer schema is resolved, as decode does, new fields included', async () => {
    const next = new EventSerde({
      registryUrl: cluster.registryUrl,
      schemas: withLabelCreatedFields((fields) => [...fields, reviewQueueField]),
    });
    const created = sampleEvent('LabelCreated');
    const withQueue = { ...created, event: { ...created.event, reviewQueue: 'night-shift' } };
    const newer = (await next.encode(withQueue)).value;
    const reader = new EventSerde({ registryUrl: cluster.registryUrl });
    // Never seen: the registry must be asked, so the caller awaits decode.
    expect(reader.decodeResolved(newer)).toBeUndefined();
    const decoded = await reader.decode(newer);
    expect(decoded).toEqual(created);
    expect(reader.decodeResolved(newer)).toEqual(decoded);
    // A schema resolved is not every schema: an older writer's id is still unresolved.
    expect(reader.decodeResolved((await current.encode(created)).value)).toBeUndefined();
    expect(() => reader.decodeResolved(Buffer.from([1, 0, 0, 0, 1]))).toThrow(/magic byte/);
  });

  it('refuses a field removed without default with 409, naming the field', async () => {
    const next = new EventSerde({
      registryUrl: cluster.registryUrl,
      schemas: withLabelCreatedFields((fields) => fields.filter((field) => field.name !== 'task')),
    });
    await expect(next.start()).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(
        /incompatible .*strata\.items-strata\.v1\.LabelCreated.*version 1 cannot read data written with the new schema: field 'task' is missing/,
      ),
    });
  });

  it('refuses a changed type with 409, naming the field, through the plain client too', async () => {
    const [changed] = withLabelCreatedFields((fields) =>
      fields.map((field) => (field.name === 'task' ? { ...field, type: 'long' } : field)),
    ).filter((schema) => schema.name === 'LabelCreated');
    const client = new SchemaRegistry({ host: cluster.registryUrl });
    await expect(
      client.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(changed.schema) },
        { subject: subjectOf('LabelCreated'), compatibility: 'FULL_TRANSITIVE' as never },
      ),
    ).rejects.toMatchObject({
      status: 409,
      message: expect.stringMatching(
        /field 'task' is long in the reader's schema but string in the writer's/,
      ),
    });
  });
});
