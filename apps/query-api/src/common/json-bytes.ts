/** Chunks handed to the socket are about this large: one write per line would cost a syscall per row. */
const chunkBytes = 64 * 1024;

const quote = 0x22;
const backslash = 0x5c;
const space = 0x20;

/**
 * JSON text written as UTF-8 bytes into chunks of about {@link chunkBytes}, the same bytes as
 * JSON.stringify's text encoded: an export copies its strings from the database's bytes rather than
 * decoding each to a JS string, escaping it and encoding it again.
 */
export class JsonBytes {
  private chunk = Buffer.allocUnsafe(chunkBytes);
  private at = 0;
  private readonly full: Buffer[] = [];

  /** Text that is already JSON (keys, punctuation, JSON.stringify's output). */
  raw(text: string): void {
    this.reserve(Buffer.byteLength(text));
    this.at += this.chunk.write(text, this.at);
  }

  /**
   * Constant bytes (keys and punctuation, encoded once). These and the strings below are a few
   * bytes each: copied in a loop, as Buffer.copy's native call costs more than such a copy.
   */
  bytes(bytes: Buffer): void {
    this.reserve(bytes.length);
    const chunk = this.chunk;
    let at = this.at;
    for (let from = 0; from < bytes.length; from += 1) chunk[at++] = bytes[from];
    this.at = at;
  }

  /**
   * The JSON string of the UTF-8 text `data[start, end)`. Bytes that JSON.stringify would escape
   * are the quote, the backslash and controls (< 0x20); it writes every other character as it is
   * (PostgreSQL's UTF-8 has no lone surrogates), so text without them is copied between quotes.
   */
  string(data: Buffer, start: number, end: number): void {
    this.reserve(end - start + 2);
    const chunk = this.chunk;
    let at = this.at;
    chunk[at++] = quote;
    for (let from = start; from < end; from += 1) {
      const byte = data[from];
      if (byte < space || byte === quote || byte === backslash) {
        this.raw(JSON.stringify(data.toString('utf8', start, end))); // what was copied is overwritten
        return;
      }
      chunk[at++] = byte;
    }
    chunk[at++] = quote;
    this.at = at;
  }

  /** The chunks filled so far, handed over (empty if none is full yet). */
  take(): Buffer[] {
    return this.full.splice(0);
  }

  /** Every byte written and not yet taken. */
  flush(): Buffer[] {
    if (this.at > 0) {
      this.full.push(this.chunk.subarray(0, this.at));
      this.chunk = Buffer.allocUnsafe(chunkBytes);
      this.at = 0;
    }
    return this.take();
  }

  private reserve(bytes: number): void {
    if (this.at + bytes <= this.chunk.length) return;
    if (this.at > 0) this.full.push(this.chunk.subarray(0, this.at));
    this.chunk = Buffer.allocUnsafe(Math.max(chunkBytes, bytes));
    this.at = 0;
  }
}
