import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

// Tests and the benchmark run from the repository root.
const repositoryRoot = process.cwd();

export interface ChildBroker {
  process: ChildProcess;
  bootstrap: string;
  /** Lines the broker printed after its first one (e.g. CPU reports). */
  lines: readline.Interface;
}

/** Starts test/broker/support/broker-process.ts in a child process and waits until it listens. */
export async function startChildBroker(dataDir: string, port = 0): Promise<ChildBroker> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      '@swc-node/register',
      path.join(repositoryRoot, 'test/broker/support/broker-process.ts'),
      dataDir,
      String(port),
    ],
    {
      cwd: repositoryRoot,
      env: { ...process.env, SWC_NODE_PROJECT: path.join(repositoryRoot, 'tsconfig.json') },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = readline.createInterface({ input: child.stdout! });
  const firstLine = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`broker process exited with ${code} before listening`)));
  });
  return { process: child, bootstrap: (JSON.parse(firstLine) as { bootstrap: string }).bootstrap, lines };
}

export function killChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
