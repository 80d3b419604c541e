import { Type, type Schema } from 'avsc';
import { describe, expect, it } from 'vitest';
import { compatibilityProblems, parseCompatibilityLevel, readProblem } from './compatibility';

const record = (fields: object[]) =>
  Type.forSchema({ type: 'record', name: 'strata.v1.Thing', fields } as Schema);
const v1 = record([
  { name: 'id', type: 'string' },
  { name: 'count', type: 'long' },
]);
const withOptional = record([
  { name: 'id', type: 'string' },
  { name: 'count', type: 'long' },
  { name: 'note', type: ['null', 'string'], default: null },
]);
const withRequired = record([
  { name: 'id', type: 'string' },
  { name: 'count', type: 'long' },
  { name: 'note', type: 'string' },
]);
const countRemoved = record([{ name: 'id', type: 'string' }]);
const countIsString = record([
  { name: 'id', type: 'string' },
  { name: 'count', type: 'string' },
]);
const versions = (...types: Type[]) => types.map((type, index) => ({ version: index + 1, type }));

describe('readProblem', () => {
  it('names a new field without default', () => {
    expect(readProblem(withRequired, v1)).toBe(
      "field 'note' is missing from the writer's schema and has no default in the reader's",
    );
  });

  it('names a field whose type changed', () => {
    expect(readProblem(countIsString, v1)).toMatch(
      /^field 'count' is string in the reader's schema but long/,
    );
  });

  it('names a field inside a nested record', () => {
    const nested = (inner: string) =>
      Type.forSchema({
        type: 'record',
        name: 'Outer',
        fields: [
          { name: 'inner', type: { type: 'record', name: 'Inner', fields: [{ name: 'x', type: inner }] } },
        ],
      } as Schema);
    expect(readProblem(nested('string'), nested('int'))).toMatch(/^field 'inner\.x' is string/);
  });

  it('accepts a promotion avro allows (int read as long)', () => {
    expect(
      readProblem(record([{ name: 'n', type: 'long' }]), record([{ name: 'n', type: 'int' }])),
    ).toBeUndefined();
  });
});

describe('compatibilityProblems', () => {
  it('allows an optional field with a default under every level', () => {
    for (const level of ['BACKWARD', 'FORWARD', 'FULL', 'FULL_TRANSITIVE'] as const) {
      expect(compatibilityProblems(level, withOptional, versions(v1)), level).toEqual([]);
    }
  });

  it('BACKWARD refuses a new required field; FORWARD allows it', () => {
    expect(compatibilityProblems('BACKWARD', withRequired, versions(v1))).toEqual([
      "new schema cannot read data written with version 1: field 'note' is missing from the writer's schema and has no default in the reader's",
    ]);
    expect(compatibilityProblems('FORWARD', withRequired, versions(v1))).toEqual([]);
  });

  it('FORWARD refuses removing a field without default; BACKWARD allows it', () => {
    expect(compatibilityProblems('BACKWARD', countRemoved, versions(v1))).toEqual([]);
    expect(compatibilityProblems('FORWARD', countRemoved, versions(v1))).toEqual([
      "version 1 cannot read data written with the new schema: field 'count' is missing from the writer's schema and has no default in the reader's",
    ]);
  });

  it('FULL refuses a type change in both directions', () => {
    expect(compatibilityProblems('FULL', countIsString, versions(v1))).toHaveLength(2);
  });

  it('checks only the latest version unless transitive', () => {
    // v1 → countRemoved → count back as an optional string: fine against the latest, not v1's longs.
    const history = versions(v1, countRemoved);
    const readded = record([
      { name: 'id', type: 'string' },
      { name: 'count', type: ['null', 'string'], default: null },
    ]);
    expect(compatibilityProblems('BACKWARD', readded, history)).toEqual([]);
    expect(compatibilityProblems('BACKWARD_TRANSITIVE', readded, history)).toEqual([
      expect.stringMatching(
        /^new schema cannot read data written with version 1: field 'count' is null \| string/,
      ),
    ]);
    expect(compatibilityProblems('NONE', readded, history)).toEqual([]);
  });

  it('parses levels case-insensitively and refuses others', () => {
    expect(parseCompatibilityLevel('full_transitive')).toBe('FULL_TRANSITIVE');
    expect(parseCompatibilityLevel('SIDEWAYS')).toBeUndefined();
    expect(parseCompatibilityLevel(3)).toBeUndefined();
  });
});
