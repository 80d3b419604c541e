import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { quotedSchema, viewTables } from '@strata/views';

/**
 * The tables whose rows each come from one event. label_leaves is state the projection derives and
 * checkpoints its bookkeeping: no raw load of the log writes them.
 */
const eventRowTables = viewTables.filter((table) => table !== 'label_leaves' && table !== 'checkpoints');

const psql = (databaseUrl: string, script: string, directory: string) => {
  const file = path.join(directory, 'script.psql');
  writeFileSync(file, script);
  execFileSync('psql', [databaseUrl, '-q', '-1', '-v', 'ON_ERROR_STOP=1', '-f', file], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
};

/**
 * PostgreSQL's own limit for the rows a projection run wrote: dumps every event-row table of the
 * projected build to files (not timed), then COPYs them into the same tables of a fresh build with
 * `psql \copy … FROM file`, in one transaction, and returns the seconds the load took.
 */
export function copyBaselineSeconds(
  databaseUrl: string,
  projectedSchema: string,
  freshSchema: string,
): number {
  const directory = mkdtempSync(path.join(tmpdir(), 'strata-bench-copy-'));
  try {
    const fileOf = (table: string) => path.join(directory, `${table}.copy`);
    const copies = (direction: 'TO' | 'FROM', schema: string) =>
      eventRowTables
        .map((table) => `\\copy ${quotedSchema(schema)}.${table} ${direction} '${fileOf(table)}'\n`)
        .join('');
    psql(databaseUrl, copies('TO', projectedSchema), directory);
    const started = performance.now();
    psql(databaseUrl, copies('FROM', freshSchema), directory);
    return (performance.now() - started) / 1000;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
