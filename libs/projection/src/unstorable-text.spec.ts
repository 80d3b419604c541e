import { describe, expect, it } from 'vitest';
import { fieldWithNul } from './unstorable-text';

describe('fieldWithNul', () => {
  it('names the first string holding NUL by its path from the event', () => {
    expect(fieldWithNul({ envelope: { eventId: 'e', actor: { id: 'a\u0000' } } })).toBe(
      'event.envelope.actor.id',
    );
    expect(fieldWithNul({ inputs: [{ id: 'x' }, { id: 'y', version: '\u0000' }] })).toBe(
      'event.inputs[1].version',
    );
    expect(fieldWithNul({ datasets: ['a', 'b\u0000'], later: 'c\u0000' })).toBe('event.datasets[1]');
    expect(fieldWithNul('\u0000')).toBe('event');
  });

  it('finds none in clean events, and does not look into bytes', () => {
    expect(fieldWithNul({ a: 'x', b: [1, null, 'y'], c: { d: true }, e: undefined })).toBeUndefined();
    expect(fieldWithNul({ raw: Buffer.from([0, 0]) })).toBeUndefined();
  });
});
