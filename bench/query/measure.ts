import { spawn, execFileSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import type { Pool } from 'pg';

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

/** Seconds `psql` takes to `\copy (query) to /dev/null`: PostgreSQL's own export rate for those rows. */
export function psqlCopySeconds(databaseUrl: string, query: string): number {
  const started = performance.now();
  execFileSync('psql', [databaseUrl, '-v', 'ON_ERROR_STOP=1', '-qc', `\\copy (${query}) to '/dev/null'`], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return (performance.now() - started) / 1000;
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
