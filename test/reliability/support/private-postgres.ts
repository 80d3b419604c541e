import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@strata/testing';

/**
 * A PostgreSQL server of one test's own, so restarting it hurts no other suite running in parallel
 * on the shared server. Made with the machine's own initdb/pg_ctl, run as the `postgres` user (the
 * server refuses to run as root), trust auth on 127.0.0.1.
 */
export interface PrivatePostgres {
  url: string;
  /** `pg_ctl restart -m fast`: every connection is cut, as in a failover or an operator's restart. */
  restart(): void;
  stop(): void;
}

function postgresBin(program: string): string {
  const versions = readdirSync('/usr/lib/postgresql').sort();
  return path.join('/usr/lib/postgresql', versions[versions.length - 1], 'bin', program);
}

function asPostgres(program: string, args: string[]): void {
  const command = process.getuid?.() === 0 ? 'runuser' : postgresBin(program);
  const fullArgs = process.getuid?.() === 0 ? ['-u', 'postgres', '--', postgresBin(program), ...args] : args;
  execFileSync(command, fullArgs, { stdio: 'pipe' });
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const root = mkdtempSync(path.join(tmpdir(), 'strata-pg-'));
  const dataDir = path.join(root, 'data');
  chmodSync(root, 0o755);
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(root, uid, gid);
  }
  const port = await freePort();
  asPostgres('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const pgCtl = (action: string, ...extra: string[]) =>
    asPostgres('pg_ctl', [
      action,
      '-D',
      dataDir,
      '-w',
      '-t',
      '60',
      '-o',
      options,
      '-l',
      path.join(root, 'log'),
      ...extra,
    ]);
  pgCtl('start');
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: () => pgCtl('restart', '-m', 'fast'),
    stop() {
      try {
        pgCtl('stop', '-m', 'immediate');
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
