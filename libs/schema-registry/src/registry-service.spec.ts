import { describe, expect, it } from 'vitest';
import { configRecord, parseRecord, schemaRecord, serializeRecord } from './log-records';
import { RegistryService } from './registry-service';
import { InMemorySchemaLog } from './schema-log';

const schemaWith = (field: string) =>
  JSON.stringify({ type: 'record', name: 'T', fields: [{ name: field, type: 'string' }] });

describe('RegistryService', () => {
  it('serialises concurrent registrations: distinct ids and consecutive versions', async () => {
    const service = await RegistryService.open(new InMemorySchemaLog());
    await service.setLevel('s', 'NONE');
    const ids = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((field) => service.register('s', { schema: schemaWith(field) })),
    );
    expect(new Set(ids.map(({ id }) => id)).size).toBe(5);
    expect(service.versionNumbers('s')).toEqual([1, 2, 3, 4, 5]);
  });

  it('changes nothing when the log refuses a write', async () => {
    const log = new InMemorySchemaLog();
    const service = await RegistryService.open(log);
    log.append = async () => {
      throw new Error('broker unavailable');
    };
    await expect(service.register('s', { schema: schemaWith('a') })).rejects.toThrow('broker unavailable');
    expect(service.subjects()).toEqual([]);
  });
});

describe('_schemas records', () => {
  it('round-trip through Kafka message form, in Confluent key layout', () => {
    const record = schemaRecord({ subject: 's', version: 2, id: 7, schema: '"string"', deleted: false });
    const message = serializeRecord(record);
    expect(JSON.parse(message.key)).toEqual({ keytype: 'SCHEMA', subject: 's', version: 2, magic: 1 });
    expect(parseRecord(Buffer.from(message.key), Buffer.from(message.value!))).toEqual(record);
  });

  it('keeps config tombstones and skips keys it does not use', () => {
    const removal = configRecord('s', null);
    const message = serializeRecord(removal);
    expect(message.value).toBeNull();
    expect(parseRecord(message.key, null)).toEqual(removal);
    expect(parseRecord('{"keytype":"NOOP","magic":0}', null)).toBeUndefined();
    expect(parseRecord(null, '{}')).toBeUndefined();
  });
});
