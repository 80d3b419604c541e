import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBroker, type TestBroker } from './support/broker-fixture';

const execFileAsync = promisify(execFile);
// Debian's interpreter: the `python3` on PATH may be a pyenv shim that cannot see confluent_kafka.
const PYTHON = '/usr/bin/python3';
const CLIENT = path.join(process.cwd(), 'test/broker/python/client.py');

async function python<T>(...args: string[]): Promise<T> {
  const { stdout } = await execFileAsync(PYTHON, [CLIENT, ...args], { timeout: 60_000 });
  return JSON.parse(stdout) as T;
}

describe('embedded broker with python confluent-kafka', () => {
  let fixture: TestBroker;

  beforeAll(async () => {
    fixture = await startTestBroker();
  });

  afterAll(() => fixture.cleanup());

  it('creates and lists topics, produces idempotently and consumes in a group', async () => {
    const bootstrap = fixture.broker.bootstrap;
    const created = await python<{ topics: string[]; partitions: number }>(
      bootstrap,
      'admin',
      'py.events',
      '2',
    );
    expect(created).toMatchObject({ topics: ['py.events'], partitions: 2 });

    const produced = await python<{ delivered: number; errors: string[]; unflushed: number }>(
      bootstrap,
      'produce',
      'py.events',
      '300',
    );
    expect(produced).toEqual({ delivered: 300, errors: [], unflushed: 0 });

    const consumed = await python<{ values: string[] }>(bootstrap, 'consume', 'py.events', 'py-group', '300');
    expect([...consumed.values].sort()).toEqual(Array.from({ length: 300 }, (_, i) => `py-${i}`).sort());

    // The group and its committed offsets are visible to python's admin client as well.
    const listed = await python<{ groups: string[] }>(bootstrap, 'admin', 'py.other', '1');
    expect(listed.groups).toContain('py-group');
  });
});
