import { describe, expect, it } from 'vitest';
import type { AvroComplexSchema } from './avro-schema';
import { inlineNamedTypes, SchemaDefinitionError } from './inline-named-types';

const point: AvroComplexSchema = {
  type: 'record',
  name: 'Point',
  namespace: 'geo',
  fields: [{ name: 'x', type: 'double' }],
};
const shared = new Map([['geo.Point', point]]);

describe('inlineNamedTypes', () => {
  it('inlines the first reference and keeps later ones as names', () => {
    const line = {
      type: 'record',
      name: 'Line',
      namespace: 'geo',
      fields: [
        { name: 'from', type: 'Point' },
        { name: 'to', type: 'geo.Point' },
        { name: 'via', type: { type: 'array', items: 'Point' } },
      ],
    };
    expect(inlineNamedTypes(line, shared)).toEqual({
      ...line,
      fields: [
        { name: 'from', type: point },
        { name: 'to', type: 'geo.Point' },
        { name: 'via', type: { type: 'array', items: 'geo.Point' } },
      ],
    });
  });

  it('inlines inside unions and maps, leaving primitives and logical types alone', () => {
    const schema = {
      type: 'record',
      name: 'R',
      namespace: 'geo',
      fields: [
        { name: 'p', type: ['null', { type: 'map', values: 'Point' }] },
        { name: 't', type: { type: 'long', logicalType: 'timestamp-millis' } },
      ],
    };
    const inlined = inlineNamedTypes(schema, shared) as AvroComplexSchema;
    expect(inlined.fields?.[0].type).toEqual(['null', { type: 'map', values: point }]);
    expect(inlined.fields?.[1].type).toEqual({ type: 'long', logicalType: 'timestamp-millis' });
  });

  it('copies the shared definition, so callers cannot alter it', () => {
    const schema = { type: 'record', name: 'R', namespace: 'geo', fields: [{ name: 'p', type: 'Point' }] };
    const inlined = inlineNamedTypes(schema, shared) as AvroComplexSchema;
    expect(inlined.fields?.[0].type).not.toBe(point);
  });

  it('names the field of an unknown type', () => {
    const schema = { type: 'record', name: 'R', fields: [{ name: 'where', type: 'geo.Place' }] };
    expect(() => inlineNamedTypes(schema, shared)).toThrow(
      new SchemaDefinitionError('unknown type "geo.Place" at where'),
    );
  });

  it('refuses a type defined twice', () => {
    const schema = {
      type: 'record',
      name: 'R',
      namespace: 'geo',
      fields: [
        { name: 'a', type: 'Point' },
        { name: 'b', type: point },
      ],
    };
    expect(() => inlineNamedTypes(schema, shared)).toThrow(/"geo.Point" is defined twice/);
  });
});
