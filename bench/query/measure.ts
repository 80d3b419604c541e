import { spawn } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import type { Pool } from 'pg';
import { to as copyTo } from 'pg-copy-streams';

export interface LatencySummary {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** Latencies in ms at a percentile, nearest-rank. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** GETs `url` from `connections` concurrent keep-alive connections for `seconds`. */
export async function httpLoad(
  url: string,
  connections: number,
  seconds: number,
  headers: Record<string, string> = {},
): Promise<LatencySummary> {
  const result = await autocannon({ url, connections, duration: seconds, pipelining: 1, headers });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx responses, ${result.errors} errors`);
  }
  return {
    requests: result.requests.total,
    perSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}

/** Runs the same statements from `concurrency` loops on a pool for `seconds`; one sample per round trip set. */
export async function sqlLoad(
  pool: Pool,
  statements: { text: string; values: unknown[] }[],
  concurrency: number,
  seconds: number,
): Promise<LatencySummary> {
  const samples: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      // One connection per loop, as the API holds one per request: the statements may be a
      // transaction (BEGIN … SET LOCAL … COMMIT), which must not be spread over pooled connections.
      const client = await pool.connect();
      try {
        while (performance.now() < deadline) {
          const started = performance.now();
          for (const statement of statements) await client.query(statement);
          samples.push(performance.now() - started);
        }
      } finally {
        client.release();
      }
    }),
  );
  samples.sort((a, b) => a - b);
  return {
    requests: samples.length,
    perSecond: samples.length / seconds,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
  };
}

/** Seconds and rows of `COPY (query) TO STDOUT` on a pooled connection: PostgreSQL's own export rate. */
export async function copyToStdout(pool: Pool, query: string): Promise<{ seconds: number; rows: number }> {
  const client = await pool.connect();
  try {
    const started = performance.now();
    const rows = await countLines(client.query(copyTo(`COPY (${query}) TO STDOUT`)));
    return { seconds: (performance.now() - started) / 1000, rows };
  } finally {
    client.release();
  }
}

/**
 * Seconds and NDJSON lines of one GET of `url`, read to the end through node:http: fetch's web
 * streams cost the reading process more than pg-copy-streams does on the COPY side, and on two
 * cores that client competed with the API for CPU.
 */
export async function download(
  url: string,
  headers: Record<string, string>,
): Promise<{ seconds: number; rows: number }> {
  const started = performance.now();
  const response = await new Promise<http.IncomingMessage>((resolve, reject) =>
    http.get(url, { headers }, resolve).on('error', reject),
  );
  if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode}`);
  const rows = await countLines(response);
  return { seconds: (performance.now() - started) / 1000, rows };
}

/**
 * Newline bytes, not decoded characters: a UTF-8 newline is the byte 0x0a and never part of
 * another character, and decoding 15 MB char by char made the client, not the API, the limit.
 */
async function countLines(chunks: AsyncIterable<Uint8Array>): Promise<number> {
  const newline = 0x0a;
  let lines = 0;
  for await (const chunk of chunks) {
    for (let at = chunk.indexOf(newline); at !== -1; at = chunk.indexOf(newline, at + 1)) lines += 1;
  }
  return lines;
}

/** Starts the query API in a child process over `databaseUrl`; resolves with its URL and a stopper. */
export async function spawnQueryApi(databaseUrl: string): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'bench/query/api-process.ts'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, SWC_NODE_PROJECT: 'tsconfig.json' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`query API exited with ${code}`)));
    lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
  });
  return {
    url,
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
