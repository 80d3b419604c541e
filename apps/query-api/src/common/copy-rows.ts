import type { Knex } from 'knex';
import { escapeLiteral, type PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { Statement } from '@strata/views';

/**
 * Called with each row of a binary COPY: field `i` is `data[fields[2i], fields[2i + 1])`, or NULL
 * when fields[2i] is -1. The bytes are only valid during the call.
 */
export type RowVisitor = (data: Buffer, fields: Int32Array) => void;

/**
 * Visits the rows of `statement` (of `fieldCount` columns) read through `COPY (…) TO STDOUT
 * (FORMAT binary)` on a pooled connection, yielding after each piece of the stream so the caller
 * can hand on what it made of the piece's rows.
 *
 * Why COPY rather than a cursor: PostgreSQL plans it like a query (parallel plans allowed), sends
 * rows without a round trip per chunk, and the binary format passes text through unchanged (the
 * text format escapes backslashes), so a caller can copy a field's bytes without decoding them.
 * Back pressure comes from the socket: the stream is read only as the caller asks for the next
 * piece, so PostgreSQL waits on the socket while a slow client reads.
 *
 * One statement is one snapshot, but it runs in a read-only transaction of its own so that the
 * export, which lasts as long as its client reads, is not cut by the session's statement timeout.
 * The connection is held until the generator finishes or is returned early; a connection left
 * mid-COPY cannot take another statement, so it is closed (PostgreSQL ends the query) and the pool
 * replaces it.
 */
export async function* copyRows(
  knex: Knex,
  statement: Statement,
  fieldCount: number,
  visit: RowVisitor,
): AsyncGenerator<void> {
  const client = (await knex.client.acquireConnection()) as PoolClient;
  let done = false;
  try {
    await client.query('BEGIN READ ONLY; SET LOCAL statement_timeout = 0');
    const copy = client.query(
      copyTo(`COPY (${withLiterals(knex, statement)}) TO STDOUT (FORMAT binary)`),
    ) as AsyncIterable<Buffer>;
    const rows = new BinaryRows(fieldCount);
    for await (const piece of copy) {
      rows.push(piece, visit);
      yield;
    }
    rows.end();
    await client.query('COMMIT');
    done = true;
  } finally {
    if (!done) {
      await client.end().catch(() => undefined);
      // The reason knex logs when its pool drops the connection (else "ended unexpectedly").
      (client as { __knex__disposed?: string }).__knex__disposed = 'closed mid-COPY: its reader left';
    }
    await knex.client.releaseConnection(client);
  }
}

/**
 * The SQL of `statement` with its values written in as literals: COPY takes no parameters. Values
 * are strings, numbers, booleans, null or arrays of those (as PostgreSQL array text, for a cast).
 */
export function withLiterals(knex: Knex, statement: Statement): string {
  const native = knex.raw(statement.sql, statement.bindings).toSQL().toNative();
  return native.sql.replace(/\$(\d+)/g, (_, index: string) => literal(native.bindings[Number(index) - 1]));
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) return escapeLiteral(`{${value.map(arrayElement).join(',')}}`);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return escapeLiteral(String(value));
  throw new TypeError(`no literal for a ${typeof value} binding`);
}

function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  return `"${String(value).replace(/[\\"]/g, '\\$&')}"`;
}

const signature = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** Signature, flags (int32), header extension length (int32). */
const headerBytes = signature.length + 8;

/**
 * A decoder of PostgreSQL's binary COPY format fed in pieces of any size: a header, then per row an
 * int16 field count and per field an int32 length (-1 for NULL) and its bytes, then an int16 -1.
 */
export class BinaryRows {
  private rest: Buffer = Buffer.alloc(0);
  private headerRead = false;
  private ended = false;
  private readonly fields: Int32Array;

  constructor(private readonly fieldCount: number) {
    this.fields = new Int32Array(2 * fieldCount);
  }

  /** Visits the rows completed by `piece`; a row cut by the end of the piece waits for the next one. */
  push(piece: Buffer, visit: RowVisitor): void {
    const data = this.rest.length ? Buffer.concat([this.rest, piece]) : piece;
    let at = 0;
    if (!this.headerRead) {
      if (data.length < headerBytes) return this.keep(data, 0);
      if (!data.subarray(0, signature.length).equals(signature)) throw new Error('not a binary COPY stream');
      at = headerBytes + data.readInt32BE(headerBytes - 4);
      if (data.length < at) return this.keep(data, 0);
      this.headerRead = true;
    }
    while (at + 2 <= data.length) {
      const count = data.readInt16BE(at);
      if (count === -1) {
        this.ended = true;
        return this.keep(data, at + 2);
      }
      if (count !== this.fieldCount)
        throw new Error(`a COPY row of ${count} fields, expected ${this.fieldCount}`);
      const next = this.row(data, at + 2);
      if (next === -1) break;
      visit(data, this.fields);
      at = next;
    }
    this.keep(data, at);
  }

  /** Throws unless the stream ended with its trailer: a cut stream must not pass for a whole export. */
  end(): void {
    if (!this.ended || this.rest.length) throw new Error('binary COPY stream cut short');
  }

  /** Reads the field bounds of the row at `start`; the offset after it, or -1 if it is not all here. */
  private row(data: Buffer, start: number): number {
    let at = start;
    for (let field = 0; field < this.fieldCount; field += 1) {
      if (at + 4 > data.length) return -1;
      const length = data.readInt32BE(at);
      at += 4;
      if (length === -1) {
        this.fields[2 * field] = -1;
        continue;
      }
      if (at + length > data.length) return -1;
      this.fields[2 * field] = at;
      this.fields[2 * field + 1] = at + length;
      at += length;
    }
    return at;
  }

  private keep(data: Buffer, at: number): void {
    this.rest = data.subarray(at);
  }
}
