import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';

const strataBin = path.join(__dirname, '../../../bin/strata.js');

/** A `strata …` command running as a child process, its output captured for assertions. */
export interface CliProcess {
  child: ChildProcess;
  /** Resolves with the exit code (or the signal that ended it). */
  exited: Promise<number | NodeJS.Signals>;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first structured log line (pino JSON on stderr) whose msg matches. */
  waitForLog(msg: string | RegExp, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Sends the signal and resolves with the exit code (or the signal that ended it). */
  stop(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals>;
}

/** A TCP port free at the time of the call, for children that must be told their port up front. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

function logLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return {};
      }
    });
}

export interface CliResult {
  code: number | NodeJS.Signals;
  stdout: string;
  stderr: string;
}

/** Runs a `strata …` command to completion (migrate, keys create, topics apply, …). */
export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const cli = startCli(args, env);
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr() };
}

/** Polls a URL until it answers 2xx, e.g. a process's /health/ready. */
export async function waitForHttpOk(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = `HTTP ${response.status}: ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})`);
}

/** Runs `node bin/strata.js <args>` with the given environment added to this process's. */
export function startCli(args: string[], env: NodeJS.ProcessEnv = {}): CliProcess {
  const child = spawn(process.execPath, [strataBin, ...args], {
    env: { ...process.env, STRATA_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );

  return {
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    async waitForLog(msg, timeoutMs = 60_000) {
      const matches = (line: Record<string, unknown>) =>
        typeof line.msg === 'string' && (typeof msg === 'string' ? line.msg === msg : msg.test(line.msg));
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = logLines(stderr).find(matches);
        if (found) return found;
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`strata ${args.join(' ')} exited before logging "${String(msg)}":\n${stderr}`);
        }
        if (Date.now() > deadline) {
          throw new Error(
            `strata ${args.join(' ')} did not log "${String(msg)}" in ${timeoutMs} ms:\n${stderr}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
