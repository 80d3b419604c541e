import { threeDigits, twoDigits, UtcIsoFormatter } from './utc-iso';

/** COPY text is handed to the connection in Buffers of about this many bytes. */
const chunkBytes = 256 * 1024;

const tab = 0x09;
const newline = 0x0a;
const carriageReturn = 0x0d;
const backslash = 0x5c;
const nul = 0;

/** The characters COPY's text format gives a meaning to, and NUL, which no PostgreSQL text can hold. */
const copySpecial = /[\\\t\n\r\0]/g;
const copyEscapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** Between these, `toISOString` gives a form PostgreSQL reads as the same instant. */
const firstMillisOfYear1 = -62_135_596_800_000;
const firstMillisOfYear10000 = 253_402_300_800_000;
/** Shared by all batches: it only keeps the last hour's prefix. */
const isoFormatter = new UtcIsoFormatter();

const hexDigits = Buffer.from('0123456789abcdef', 'latin1');

/** A value that cannot be written to its column: the column and the reason. */
class CopyFieldError extends Error {
  constructor(column: string, reason: string) {
    super(`${column}: ${reason}`);
    this.name = 'CopyFieldError';
  }
}

/**
 * Rows in COPY's text format (fields separated by tabs, lines by newlines, `\N` for NULL, backslash,
 * tab, newline and carriage return escaped), written straight into Buffers. Joining the fields into
 * lines and the lines into strings, then encoding those to UTF-8, was a fifth of a rebuild's
 * JavaScript time and a fifth of what it allocated (bench/projection/README.md); here an ASCII
 * character costs one store, and only a field holding other characters goes through a string.
 */
export class CopyTextWriter {
  private buffer = Buffer.allocUnsafe(chunkBytes);
  private at = 0;
  private readonly chunks: Buffer[] = [];

  /** The text written so far, in pieces; the writer is not used after. */
  finish(): Buffer[] {
    if (this.at > 0) this.chunks.push(this.buffer.subarray(0, this.at));
    return this.chunks;
  }

  fieldSeparator(): void {
    this.reserve(1);
    this.buffer[this.at++] = tab;
  }

  lineEnd(): void {
    this.reserve(1);
    this.buffer[this.at++] = newline;
  }

  null(): void {
    this.reserve(2);
    this.buffer[this.at++] = backslash;
    this.buffer[this.at++] = 0x4e; // N
  }

  /** A text field, escaped; `column` names it in the error for a NUL character. */
  text(value: string, column: string): void {
    // Escaped, an ASCII character takes at most 2 bytes, any other UTF-16 unit at most 3.
    this.reserve(value.length * 3);
    const bytes = this.buffer;
    let at = this.at;
    for (let index = 0; index < value.length; index++) {
      const code = value.charCodeAt(index);
      if (code >= 0x80) {
        this.at += bytes.write(escapedText(value, column), this.at, 'utf8');
        return;
      }
      if (code === backslash) {
        bytes[at++] = backslash;
        bytes[at++] = backslash;
      } else if (code === tab || code === newline || code === carriageReturn) {
        bytes[at++] = backslash;
        bytes[at++] = code === tab ? 0x74 : code === newline ? 0x6e : 0x72; // t, n, r
      } else if (code === nul) {
        throw new CopyFieldError(column, 'text contains a NUL character');
      } else {
        bytes[at++] = code;
      }
    }
    this.at = at;
  }

  /** A number, in JavaScript's own decimal form, which PostgreSQL reads back exactly. */
  number(value: number): void {
    this.ascii(String(value));
  }

  /**
   * An instant in PostgreSQL's ISO input form, UTC, exact to the millisecond (`to_timestamp(ms /
   * 1000.0)` goes through a double and is off by microseconds far from 1970), including years past
   * 9999 and before 1 AD (written as BC; JavaScript's year 0 is 1 BC), which `toISOString` would
   * spell in forms PostgreSQL rejects.
   */
  timestamp(epochMillis: number, column: string): void {
    if (epochMillis >= firstMillisOfYear1 && epochMillis < firstMillisOfYear10000) {
      this.ascii(isoFormatter.format(epochMillis));
      return;
    }
    const date = new Date(epochMillis);
    if (Number.isNaN(date.getTime()))
      throw new CopyFieldError(column, `${epochMillis} is not a time in epoch milliseconds`);
    const year = date.getUTCFullYear();
    const era = year > 0 ? '' : ' BC';
    this.ascii(
      `${String(year > 0 ? year : 1 - year).padStart(4, '0')}-${twoDigits(date.getUTCMonth() + 1)}-` +
        `${twoDigits(date.getUTCDate())} ${twoDigits(date.getUTCHours())}:${twoDigits(date.getUTCMinutes())}:` +
        `${twoDigits(date.getUTCSeconds())}.${threeDigits(date.getUTCMilliseconds())}+00${era}`,
    );
  }

  /** bytea in its hex input form `\x…`, the backslash escaped for COPY. */
  bytea(value: Buffer): void {
    this.reserve(3 + value.length * 2);
    const bytes = this.buffer;
    let at = this.at;
    bytes[at++] = backslash;
    bytes[at++] = backslash;
    bytes[at++] = 0x78; // x
    for (const byte of value) {
      bytes[at++] = hexDigits[byte >> 4];
      bytes[at++] = hexDigits[byte & 0x0f];
    }
    this.at = at;
  }

  /** Text known to be ASCII without special characters (numbers, times). */
  private ascii(value: string): void {
    this.reserve(value.length);
    const bytes = this.buffer;
    let at = this.at;
    for (let index = 0; index < value.length; index++) bytes[at++] = value.charCodeAt(index);
    this.at = at;
  }

  /** Room for `bytes` more in the current buffer; a full one becomes a chunk. */
  private reserve(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    if (this.at > 0) this.chunks.push(this.buffer.subarray(0, this.at));
    this.buffer = Buffer.allocUnsafe(Math.max(chunkBytes, bytes));
    this.at = 0;
  }
}

/** A text field holding characters beyond ASCII, escaped as a string (rare on the hot path). */
function escapedText(value: string, column: string): string {
  return value.replace(copySpecial, (special) => {
    if (special === '\0') throw new CopyFieldError(column, 'text contains a NUL character');
    return copyEscapes[special];
  });
}
