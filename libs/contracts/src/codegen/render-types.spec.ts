import { describe, expect, it } from 'vitest';
import { buildEventSchemas } from '../schemas/event-schemas';
import { renderEventTypes } from './render-types';

describe('renderEventTypes', () => {
  const [event] = buildEventSchemas(
    [
      {
        source: 'Thing.avsc',
        schema: {
          type: 'record',
          name: 'ThingHappened',
          namespace: 'strata.v1',
          doc: 'A thing.',
          fields: [
            { name: 'id', type: { type: 'string', logicalType: 'uuid' }, doc: 'Its id.' },
            { name: 'at', type: ['null', { type: 'long', logicalType: 'timestamp-millis' }], default: null },
            { name: 'tags', type: { type: 'map', values: { type: 'array', items: ['null', 'int'] } } },
            { name: 'colour', type: { type: 'enum', name: 'Colour', symbols: ['RED', 'BLUE'] } },
            { name: 'again', type: 'Colour' },
          ],
        },
      },
    ],
    [],
  );
  const rendered = renderEventTypes([event]);

  it('maps Avro types to TypeScript, nullable unions with null last', () => {
    expect(rendered).toContain('  /** Its id. [uuid] */\n  id: string;');
    expect(rendered).toContain('  /** [timestamp-millis] */\n  at: number | null;');
    expect(rendered).toContain('  tags: Record<string, (number | null)[]>;');
    expect(rendered).toContain('  colour: Colour;\n');
    expect(rendered).toContain('  again: Colour;\n');
  });

  it('declares enums once, as a symbol array and a union', () => {
    expect(rendered.match(/export const colourSymbols = \['RED', 'BLUE'\] as const;/g)).toHaveLength(1);
    expect(rendered).toContain('export type Colour = (typeof colourSymbols)[number];');
  });

  it('declares the event type list and the tagged union', () => {
    expect(rendered).toContain("export const eventTypes = ['ThingHappened'] as const;");
    expect(rendered).toContain("| { type: 'ThingHappened'; event: ThingHappened };");
  });
});
