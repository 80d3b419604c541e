import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { kafkaFor, temporaryDataDir } from './support/broker-fixture';

/** A port the OS just handed out and released: free, and never a fixed number. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('strata broker', () => {
  let dataDir: string | undefined;

  afterEach(() => {
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves in the foreground under <dataDir>/broker and shuts down cleanly on SIGTERM', async () => {
    dataDir = temporaryDataDir();
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        '-r',
        '@swc-node/register',
        'test/broker/support/broker-cli.ts',
        'broker',
        '--port',
        String(port),
        '--data-dir',
        dataDir,
        '--partitions',
        '2',
      ],
      {
        cwd: process.cwd(),
        env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.json' },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    const logLines: string[] = [];
    const lines = readline.createInterface({ input: child.stderr! });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      lines.on('line', (line) => {
        logLines.push(line);
        if (line.includes('broker ready')) resolve();
      });
      void exited.then(() => reject(new Error(`strata broker exited early:\n${logLines.join('\n')}`)));
    });

    const producer = kafkaFor(`127.0.0.1:${port}`).producer();
    await producer.connect();
    const [result] = await producer.send({ topic: 'cli.auto', messages: [{ value: 'hello' }] });
    await producer.disconnect();
    expect(result.errorCode).toBe(0);
    expect(fs.readdirSync(path.join(dataDir, 'broker', 'topics', 'cli.auto')).sort()).toEqual([
      '0',
      '1',
      'topic.json',
    ]);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(logLines.some((line) => line.includes('broker stopped'))).toBe(true);
  });
});
