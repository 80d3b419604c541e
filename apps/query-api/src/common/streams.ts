import { Readable } from 'node:stream';

/** Chunks sent to the socket are about this large: one write per line would cost a syscall per row. */
const chunkCharacters = 64 * 1024;

/**
 * A byte stream over an async source that is pulled only as fast as the client reads: Readable.from
 * asks the generator for the next chunk only when its buffer drains, and Fastify pipes it to the
 * socket with back pressure. Closing the connection returns the generator, which ends its SQL paging.
 */
export function textStream(pieces: AsyncIterable<string>): Readable {
  return Readable.from(coalesced(pieces), { objectMode: false, highWaterMark: chunkCharacters });
}

async function* coalesced(pieces: AsyncIterable<string>): AsyncGenerator<string> {
  let buffer = '';
  for await (const piece of pieces) {
    buffer += piece;
    if (buffer.length >= chunkCharacters) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

/** NDJSON of groups of records. */
export async function* ndjsonLines(groups: AsyncIterable<readonly unknown[]>): AsyncGenerator<string> {
  for await (const group of groups) for (const record of group) yield `${JSON.stringify(record)}\n`;
}
