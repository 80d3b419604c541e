import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../test/query-api/support/test-database';
import { BinaryRows, withLiterals } from './copy-rows';

/** PostgreSQL's binary COPY bytes of `rows` (text and float8 columns), with a header extension. */
function binaryCopy(rows: (string | number | null)[][]): Buffer {
  const parts = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), int32(0), int32(3), Buffer.from('ext')];
  for (const row of rows) {
    parts.push(int16(row.length));
    for (const value of row) {
      if (value === null) parts.push(int32(-1));
      else if (typeof value === 'number') {
        const bytes = Buffer.alloc(8);
        bytes.writeDoubleBE(value);
        parts.push(int32(8), bytes);
      } else {
        const bytes = Buffer.from(value, 'utf8');
        parts.push(int32(bytes.length), bytes);
      }
    }
  }
  parts.push(int16(-1));
  return Buffer.concat(parts);
}

const int16 = (value: number) => {
  const bytes = Buffer.alloc(2);
  bytes.writeInt16BE(value);
  return bytes;
};
const int32 = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value);
  return bytes;
};

const rows = [
  ['{"a":"é😀\\\\"}', 0.1 + 0.2, ''],
  ['x', null, 'line\nbreak'],
  ['', -0, '\u2028'],
];

/** The rows of `bytes` fed to a decoder in pieces of `size` bytes, text fields decoded, float8 read. */
function decode(bytes: Buffer, size: number, fieldCount = 3): { rows: unknown[][]; decoder: BinaryRows } {
  const decoder = new BinaryRows(fieldCount);
  const decoded: unknown[][] = [];
  const visit = (data: Buffer, fields: Int32Array) => {
    const row: unknown[] = [];
    for (let field = 0; field < fieldCount; field += 1) {
      const [start, end] = [fields[2 * field], fields[2 * field + 1]];
      if (start === -1) row.push(null);
      else
        row.push(
          end - start === 8 && field === 1 ? data.readDoubleBE(start) : data.toString('utf8', start, end),
        );
    }
    decoded.push(row);
  };
  for (let at = 0; at < bytes.length; at += size) decoder.push(bytes.subarray(at, at + size), visit);
  return { rows: decoded, decoder };
}

describe('BinaryRows', () => {
  it('visits every row whatever the pieces the stream comes in', () => {
    const bytes = binaryCopy(rows);
    for (const size of [1, 2, 3, 7, 64, bytes.length]) {
      const { rows: decoded, decoder } = decode(bytes, size);
      decoder.end();
      expect(decoded).toEqual(rows);
      expect(Object.is(decoded[2][1], -0)).toBe(true);
    }
  });

  it('will not pass a stream cut short, or rows of another shape, for a whole one', () => {
    const bytes = binaryCopy(rows);
    const cut = decode(bytes.subarray(0, bytes.length - 2), 5);
    expect(cut.rows).toHaveLength(3);
    expect(() => cut.decoder.end()).toThrow(/cut short/);
    expect(() => decode(bytes, 64, 2)).toThrow(/3 fields, expected 2/);
    expect(() => decode(Buffer.alloc(32), 64)).toThrow(/not a binary COPY/);
  });
});

describe('withLiterals', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('with_literals');
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('writes the bindings in as literals PostgreSQL reads back as the values', async () => {
    const bindings = {
      a: `it's a \\ "x" é`,
      b: null,
      c: ['p', 'q"r\\s', "t'u", 'v,w}'],
      d: [],
      e: -12,
      f: true,
    };
    const sql = withLiterals(database.knex, {
      sql: 'SELECT :a::text AS a, :b::text AS b, :c::text[] AS c, :d::text[] AS d, :e::int AS e, :f::bool AS f',
      bindings,
    });
    expect(sql).not.toMatch(/\$\d/);
    const { rows } = (await database.knex.raw(sql)) as { rows: unknown[] };
    expect(rows).toEqual([bindings]);
  });
});
