import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventSerde, subjectOf } from '@strata/contracts';
import { allSampleEvents } from '../../libs/contracts/src/testing/sample-events';
import { TestCluster } from './support/cluster';

/** Debian's interpreter: the `python3` on PATH is a pyenv shim that cannot see python3-avro. */
const python = '/usr/bin/python3';

/** Runs a script of test/contracts/python with lines on stdin; asynchronous, as it calls back into this process's registry. */
function runPython(script: string, registryUrl: string, lines: string[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      python,
      [path.join(__dirname, 'python', script), registryUrl],
      (error, stdout, stderr) =>
        error
          ? reject(new Error(`${script} failed: ${stderr || error.message}`))
          : resolve(stdout.trim().split('\n')),
    );
    child.stdin?.end(lines.join('\n'));
  });
}

describe('interop with python3-avro (no avsc, schemas fetched over HTTP)', () => {
  let cluster: TestCluster;
  let serde: EventSerde;
  beforeEach(async () => {
    cluster = await TestCluster.start();
    serde = new EventSerde({ registryUrl: cluster.registryUrl });
  });
  afterEach(() => cluster.stop());

  it('decodes every event type Strata encoded', async () => {
    const events = allSampleEvents();
    const encoded = await Promise.all(
      events.map(async (event) => (await serde.encode(event)).value.toString('base64')),
    );
    const decoded = (await runPython('decode_event.py', cluster.registryUrl, encoded)).map((line) =>
      JSON.parse(line),
    );
    expect(decoded).toEqual(
      events.map((event) => ({ record: `strata.v1.${event.type}`, event: event.event })),
    );
  });

  it('encodes every event type so Strata decodes it', async () => {
    await serde.start();
    const events = allSampleEvents();
    const requests = events.map((event) =>
      JSON.stringify({ subject: subjectOf(event.type), event: event.event }),
    );
    const encoded = await runPython('encode_event.py', cluster.registryUrl, requests);
    const decoded = await Promise.all(encoded.map((line) => serde.decode(Buffer.from(line, 'base64'))));
    expect(decoded).toEqual(events);
  });
});
