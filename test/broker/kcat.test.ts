import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompressionTypes } from 'kafkajs';
import { startTestBroker, type TestBroker } from './support/broker-fixture';

const execFileAsync = promisify(execFile);

/** Runs Debian's kcat (librdkafka 2.0.2) with `input` on stdin; resolves with its stdout. */
function kcat(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`kcat ${args.join(' ')} exited with ${code}: ${stderr}`));
    });
    child.stdin.end(input ?? '');
  });
}

const lines = (count: number, prefix: string) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

describe('embedded broker with kcat (librdkafka)', () => {
  let fixture: TestBroker;
  let bootstrap: string;

  beforeAll(async () => {
    await execFileAsync('kcat', ['-V']);
    fixture = await startTestBroker();
    bootstrap = fixture.broker.bootstrap;
  });

  afterAll(() => fixture.cleanup());

  it('takes 10 000 lz4 messages (auto-creating the topic) and reads them all back', async () => {
    const sent = lines(10_000, 'lz4');
    await kcat(
      ['-b', bootstrap, '-P', '-t', 'kcat.lz4', '-z', 'lz4', '-X', 'enable.idempotence=true'],
      `${sent.join('\n')}\n`,
    );

    const read = (await kcat(['-b', bootstrap, '-C', '-t', 'kcat.lz4', '-e', '-q', '-f', '%p %o %s\n']))
      .trim()
      .split('\n')
      .map((line) => line.split(' '));
    expect(read.map(([, , value]) => value).sort()).toEqual([...sent].sort());
    for (const partition of ['0', '1', '2']) {
      const offsets = read.filter(([p]) => p === partition).map(([, offset]) => Number(offset));
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
  });

  it('consumes in a group (-G) and commits its position', async () => {
    const sent = lines(500, 'grouped');
    await kcat(['-b', bootstrap, '-P', '-t', 'kcat.group', '-z', 'lz4'], `${sent.join('\n')}\n`);
    const consumed = await kcat([
      '-b',
      bootstrap,
      '-G',
      'kcat-group',
      'kcat.group',
      '-e',
      '-q',
      '-f',
      '%s\n',
      '-X',
      'auto.offset.reset=earliest',
    ]);
    expect(consumed.trim().split('\n').sort()).toEqual([...sent].sort());

    const admin = fixture.kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId: 'kcat-group', topics: ['kcat.group'] });
    const highWatermarks = await admin.fetchTopicOffsets('kcat.group');
    await admin.disconnect();
    // librdkafka commits only partitions it consumed from; one kcat left empty reads as -1 (none).
    const position = (offset: string) => Math.max(Number(offset), 0);
    const committedBy = new Map(
      committed.partitions.map(({ partition, offset }) => [partition, position(offset)]),
    );
    expect(highWatermarks.map(({ partition }) => committedBy.get(partition))).toEqual(
      highWatermarks.map(({ high }) => Number(high)),
    );
  });

  it('reads what several kafkajs sends appended to one partition under small fetch limits', async () => {
    const topic = 'kcat.small-fetches';
    const producer = fixture.kafka.producer();
    await producer.connect();
    const values: string[] = [];
    for (const [send, count] of [1, 1, 1, 4, 3].entries()) {
      const messages = Array.from({ length: count }, (_, i) => ({
        key: i % 2 ? null : `key-${send}`,
        value: `send-${send}-${i}-${'x'.repeat(40 * i)}`,
        partition: 0,
        timestamp: String(1_000 * send - i),
      }));
      values.push(...messages.map((message) => message.value));
      const compression = send % 2 ? CompressionTypes.GZIP : CompressionTypes.None;
      await producer.send({ topic, compression, messages });
    }
    await producer.disconnect();

    const smallFetches = ['fetch.max.bytes=1000', 'message.max.bytes=1000', 'max.partition.fetch.bytes=100'];
    const read = await kcat([
      ...['-b', bootstrap, '-C', '-t', topic, '-p', '0', '-e', '-q', '-f', '%o %s\n'],
      ...smallFetches.flatMap((setting) => ['-X', setting]),
      ...['-X', 'check.crcs=true'],
    ]);
    expect(read.trim().split('\n')).toEqual(values.map((value, offset) => `${offset} ${value}`));
  });

  it('answers offsets for times (-Q)', async () => {
    const topic = 'kcat.times';
    await kcat(
      ['-b', bootstrap, '-P', '-t', topic, '-p', '0', '-z', 'lz4'],
      `${lines(300, 'before').join('\n')}\n`,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const boundary = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await kcat(
      ['-b', bootstrap, '-P', '-t', topic, '-p', '0', '-z', 'lz4'],
      `${lines(200, 'after').join('\n')}\n`,
    );

    const offsetAt = async (timestamp: number) => {
      const output = await kcat(['-b', bootstrap, '-Q', '-t', `${topic}:0:${timestamp}`]);
      return Number(/offset (-?\d+)/.exec(output)![1]);
    };
    expect(await offsetAt(0)).toBe(0);
    expect(await offsetAt(boundary)).toBe(300);
    expect(await offsetAt(Date.now() + 3_600_000)).toBe(-1);
  });
});
