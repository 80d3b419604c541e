import { Readable } from 'node:stream';

/** Chunks sent to the socket are about this large: one write per line would cost a syscall per row. */
const chunkCharacters = 64 * 1024;

/**
 * A byte stream over an async source that is pulled only as fast as the client reads: Readable.from
 * asks the generator for the next chunk only when its buffer drains, and Fastify pipes it to the
 * socket with back pressure. Closing the connection returns the generator, which ends its SQL paging.
 */
export function textStream(pieces: AsyncIterable<string | Buffer>): Readable {
  return Readable.from(coalesced(pieces), { objectMode: false, highWaterMark: chunkCharacters });
}

/** Text pieces joined up to chunkCharacters; bytes, already in chunks of that order, passed on. */
async function* coalesced(pieces: AsyncIterable<string | Buffer>): AsyncGenerator<string | Buffer> {
  let buffer = '';
  for await (const piece of pieces) {
    if (typeof piece !== 'string') {
      if (buffer) yield buffer;
      buffer = '';
      yield piece;
      continue;
    }
    buffer += piece;
    if (buffer.length >= chunkCharacters) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

/** NDJSON of groups of records, one piece per group: an async step per line would cost more than its line. */
export async function* ndjsonLines(groups: AsyncIterable<readonly unknown[]>): AsyncGenerator<string> {
  for await (const group of groups) {
    let text = '';
    for (const record of group) text += `${JSON.stringify(record)}\n`;
    yield text;
  }
}
