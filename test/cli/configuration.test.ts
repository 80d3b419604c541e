import { describe, expect, it } from 'vitest';
import { runCli } from '@strata/testing';

describe('strata CLI configuration', () => {
  it('lists its subcommands', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const command of [
      'up',
      'broker',
      'registry',
      'migrate',
      'demo',
      'snapshot',
      'schemas',
      'topics',
      'keys',
    ]) {
      expect(stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    }
  });

  it.each([
    [{ DATABASE_URL: 'not-a-url' }, /DATABASE_URL must be a URL/],
    [{ STRATA_API_PORT: 'abc' }, /STRATA_API_PORT must be a port number/],
    [{ STRATA_KAFKA_PORT: '70000' }, /STRATA_KAFKA_PORT must be a port number/],
  ])('refuses %o naming the variable, before touching anything', async (env, message) => {
    const { code, stderr } = await runCli(['migrate'], env);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('names the flag that overrides a variable when the flag is wrong', async () => {
    const { code, stderr } = await runCli(['migrate', '--database-url', 'mysql://nope']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/DATABASE_URL/);
  });

  it.each([['projector'], ['rebuild', '--as-of', 'latest']])(
    'strata %s refuses --concurrent-partitions outside 1-8, naming the flag',
    async (...command) => {
      for (const value of ['0', '9', 'two']) {
        const { code, stderr } = await runCli([...command, '--concurrent-partitions', value]);
        // Commander's usage error, before anything is connected to.
        expect(code).toBe(1);
        expect(stderr).toContain(
          `option '--concurrent-partitions <n>' argument '${value}' is invalid. must be a whole number from 1 to 8`,
        );
      }
    },
  );

  it('strata rebuild refuses --threads outside 1-8, naming the flag', async () => {
    for (const value of ['0', '9', 'two']) {
      const { code, stderr } = await runCli(['rebuild', '--as-of', 'latest', '--threads', value]);
      expect(code).toBe(1);
      expect(stderr).toContain(
        `option '--threads <n>' argument '${value}' is invalid. must be a whole number from 1 to 8`,
      );
    }
  });
});
