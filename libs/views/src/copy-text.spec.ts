import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CopyTextWriter } from './copy-text';

/** PostgreSQL's reading of COPY text, for the fields this writer produces. */
function parseCopyText(chunks: Buffer[]): (string | null)[][] {
  const text = Buffer.concat(chunks).toString('utf8');
  expect(text.endsWith('\n') || text === '').toBe(true);
  return text
    .split('\n')
    .slice(0, -1)
    .map((line) =>
      line
        .split('\t')
        .map((field) =>
          field === '\\N'
            ? null
            : field.replace(/\\(.)/g, (_, escaped: string) =>
                escaped === 't' ? '\t' : escaped === 'n' ? '\n' : escaped === 'r' ? '\r' : escaped,
              ),
        ),
    );
}

function writeRows(rows: (string | null)[][]): Buffer[] {
  const writer = new CopyTextWriter();
  for (const row of rows) {
    row.forEach((field, index) => {
      if (index > 0) writer.fieldSeparator();
      if (field === null) writer.null();
      else writer.text(field, 'table.column');
    });
    writer.lineEnd();
  }
  return writer.finish();
}

describe('CopyTextWriter', () => {
  it('writes any text so that COPY reads back the same fields, across chunk boundaries', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 }).filter((value) => !value.includes('\u0000'));
    const special = fc.constantFrom('\\', '\t', '\n', '\r', '\\N', 'é', '漢', '𝄞');
    const field = fc.oneof(
      text,
      fc.array(fc.oneof(text, special), { maxLength: 8 }).map((parts) => parts.join('')),
      fc.constant(null),
    );
    fc.assert(
      fc.property(fc.array(fc.array(field, { minLength: 1, maxLength: 5 }), { maxLength: 30 }), (rows) => {
        expect(parseCopyText(writeRows(rows))).toEqual(rows);
      }),
      { numRuns: 300 },
    );
    // Rows larger than a chunk, and many rows: a line may span chunks.
    const large = Array.from({ length: 3000 }, (_, index) => [
      `row-${index}\t`,
      'é'.repeat(index % 7),
      'x'.repeat(index * 3),
    ]);
    const chunks = writeRows(large);
    expect(chunks.length).toBeGreaterThan(1);
    expect(parseCopyText(chunks)).toEqual(large);
  });

  it('refuses a NUL character, naming the column', () => {
    const writer = new CopyTextWriter();
    expect(() => writer.text('a\u0000b', 'items.item_id')).toThrow(
      'items.item_id: text contains a NUL character',
    );
    expect(() => writer.text('é\u0000', 'items.uri')).toThrow('items.uri: text contains a NUL character');
  });

  it('writes bytea as escaped hex, numbers and times in forms PostgreSQL reads exactly', () => {
    const writer = new CopyTextWriter();
    writer.bytea(Buffer.from([0, 15, 16, 255]));
    writer.fieldSeparator();
    writer.number(-1.5);
    writer.fieldSeparator();
    writer.timestamp(1_700_000_000_123, 'items.event_time');
    writer.fieldSeparator();
    writer.timestamp(Date.UTC(10000, 0, 1), 'items.event_time');
    writer.lineEnd();
    expect(Buffer.concat(writer.finish()).toString('latin1')).toBe(
      '\\\\x000f10ff\t-1.5\t2023-11-14T22:13:20.123Z\t10000-01-01 00:00:00.000+00\n',
    );
    expect(() => new CopyTextWriter().timestamp(Number.NaN, 'runs.started_at')).toThrow(
      'runs.started_at: NaN is not a time in epoch milliseconds',
    );
  });
});
