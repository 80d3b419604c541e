import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DecodeError, EncodeError, EventSerde, subjectOf, type DecodeFailure } from '@strata/contracts';
import { sampleEvent } from '../../libs/contracts/src/testing/sample-events';
import { TestCluster } from './support/cluster';

const contentType = 'application/vnd.schemaregistry.v1+json';

async function decodeFailure(
  serde: EventSerde,
  bytes: Buffer,
): Promise<{ reason: DecodeFailure; message: string }> {
  const error = await serde.decode(bytes).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(DecodeError);
  return { reason: (error as DecodeError).reason, message: (error as DecodeError).message };
}

describe('bad input', () => {
  let cluster: TestCluster;
  let serde: EventSerde;
  beforeEach(async () => {
    cluster = await TestCluster.start();
    serde = new EventSerde({ registryUrl: cluster.registryUrl });
  });
  afterEach(() => cluster.stop());

  it('answers 422 with 42201 for a malformed schema', async () => {
    for (const schema of [
      '{"type": "record", "name": "Broken", "fields": [',
      '{"type": "recrod", "name": "X"}',
    ]) {
      const response = await fetch(`${cluster.registryUrl}/subjects/broken-value/versions`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: JSON.stringify({ schema }),
      });
      expect(response.status).toBe(422);
      expect(response.headers.get('content-type')).toBe(contentType);
      expect(await response.json()).toMatchObject({
        error_code: 42201,
        message: expect.stringMatching(/^Invalid schema/),
      });
    }
  });

  it('answers 404 with 40401 for an unknown subject, to HTTP and to the client', async () => {
    const response = await fetch(`${cluster.registryUrl}/subjects/no-such-subject/versions/latest`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error_code: 40401,
      message: "Subject 'no-such-subject' not found.",
    });
    const client = new SchemaRegistry({ host: cluster.registryUrl });
    await expect(client.getLatestSchemaId('no-such-subject')).rejects.toMatchObject({ status: 404 });
  });

  it('names a wrong magic byte, an unknown schema id and a truncated body', async () => {
    const { value } = await serde.encode(sampleEvent('LabelCreated'));

    const wrongMagic = Buffer.from(value);
    wrongMagic[0] = 1;
    expect(await decodeFailure(serde, wrongMagic)).toEqual({
      reason: 'wrong-magic-byte',
      message: 'not Confluent wire format: expected magic byte 0x00, got 0x01',
    });

    const unknownId = Buffer.from(value);
    unknownId.writeInt32BE(4242, 1);
    expect(await decodeFailure(serde, unknownId)).toEqual({
      reason: 'unknown-schema-id',
      message: 'schema id 4242 is not in the registry',
    });

    expect((await decodeFailure(serde, value.subarray(0, value.length - 3))).reason).toBe(
      'malformed-payload',
    );
    expect((await decodeFailure(serde, Buffer.concat([value, Buffer.from([7])]))).reason).toBe(
      'malformed-payload',
    );
  });

  it('refuses bytes written with a schema that is not a Strata event', async () => {
    const client = new SchemaRegistry({ host: cluster.registryUrl });
    const foreign = {
      type: 'record' as const,
      name: 'Clickstream',
      namespace: 'com.acme',
      fields: [{ name: 'url', type: 'string' }],
    };
    const { id } = await client.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(foreign) },
      { subject: subjectOf('LabelCreated').replace('LabelCreated', 'Clickstream') },
    );
    const bytes = await client.encode(id, { url: 'https://acme.test' });
    expect(await decodeFailure(serde, bytes)).toEqual({
      reason: 'not-a-strata-schema',
      message: `schema id ${id} is com.acme.Clickstream, not a Strata event`,
    });
  });

  it('names the fields of an event that does not fit its schema', async () => {
    const created = sampleEvent('LabelCreated');
    const misfit = { ...created, event: { ...created.event, confidence: 'high' as unknown as number } };
    const failure = await serde.encode(misfit).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EncodeError);
    expect((failure as EncodeError).fields).toEqual(['confidence']);
  });
});
