import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  checkSchemas,
  defaultSchemaDirectory,
  eventTypes,
  loadEventSchemas,
  subjectOf,
} from '@strata/contracts';
import { describeCheck, registerSchemasCommand } from '../../apps/cli/src/commands/schemas.command';
import { TestCluster } from './support/cluster';
import { reviewQueueField, withLabelCreatedFields } from './support/schemas';

const strata = path.join(__dirname, '..', '..', 'bin', 'strata.js');

function runStrata(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [strata, ...args],
      { env: { ...process.env, STRATA_LOG_LEVEL: 'warn' } },
      (error, stdout) => resolve({ code: error ? Number(error.code) : 0, stdout }),
    );
  });
}

/** Runs `strata schemas …` in this process: the bin's start-up costs seconds, the command's wiring none. */
async function runSchemasCommand(args: string[]): Promise<{ code: number; stdout: string }> {
  const program = new Command('strata').exitOverride();
  registerSchemasCommand(program);
  const written: string[] = [];
  const capture = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk) => written.push(String(chunk)) > 0);
  try {
    await program.parseAsync(['schemas', ...args], { from: 'user' });
  } finally {
    capture.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { code, stdout: written.join('') };
}

/** A copy of schemas/ with LabelCreated.avsc edited, as a producer team's working tree. */
async function editedSchemas(edit: (schema: { fields: object[] }) => void): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'strata-schemas-'));
  await cp(defaultSchemaDirectory(), directory, { recursive: true });
  const file = path.join(directory, 'LabelCreated.avsc');
  const schema = JSON.parse(await readFile(file, 'utf8'));
  edit(schema);
  await writeFile(file, JSON.stringify(schema, null, 2));
  return directory;
}

describe('strata schemas', () => {
  let cluster: TestCluster;
  const directories: string[] = [];
  beforeEach(async () => {
    cluster = await TestCluster.start();
  });
  afterEach(async () => {
    await cluster.stop();
    await Promise.all(
      directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })),
    );
  });

  it('register applies schemas/ idempotently, printing subject, id and version', async () => {
    // Once through bin/strata.js, to show the command is wired into the CLI.
    const first = await runStrata(['schemas', 'register', '--registry-url', cluster.registryUrl]);
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines).toHaveLength(eventTypes.length);
    expect(lines).toContain(`${subjectOf('ItemRegistered')}\tid 1\tversion 1`);
    const again = await runSchemasCommand(['register', '--registry-url', cluster.registryUrl]);
    expect(again.stdout).toBe(first.stdout);
  });

  it('check reports compatible, new and incompatible subjects and exits 1 on the latter', async () => {
    await runSchemasCommand(['register', '--registry-url', cluster.registryUrl]);
    const compatibleDir = await editedSchemas((schema) => schema.fields.push(reviewQueueField));
    const incompatibleDir = await editedSchemas((schema) => schema.fields.splice(3, 1));
    directories.push(compatibleDir, incompatibleDir);

    const compatible = await runSchemasCommand([
      'check',
      '--registry-url',
      cluster.registryUrl,
      '--dir',
      compatibleDir,
    ]);
    expect(compatible.code).toBe(0);
    expect(compatible.stdout).toContain(`compatible    ${subjectOf('LabelCreated')}\n`);
    expect(compatible.stdout).toContain(`same          ${subjectOf('RunStarted')} (already version 1)\n`);

    const incompatible = await runSchemasCommand([
      'check',
      '--registry-url',
      cluster.registryUrl,
      '--dir',
      incompatibleDir,
    ]);
    expect(incompatible.code).toBe(1);
    expect(incompatible.stdout).toMatch(
      new RegExp(
        `INCOMPATIBLE  ${subjectOf('LabelCreated').replaceAll('.', '\\.')}\\n  - version 1 cannot read data written with the new schema: field 'task' is missing`,
      ),
    );
  });

  it('check calls a subject the registry does not know new', async () => {
    const [created] = withLabelCreatedFields((fields) => fields).filter(
      (schema) => schema.name === 'LabelCreated',
    );
    const [check] = await checkSchemas(cluster.registryUrl, [created]);
    expect(describeCheck(check)).toBe(`new           ${subjectOf('LabelCreated')}`);
    expect(loadEventSchemas()).toHaveLength(eventTypes.length);
  });
});
