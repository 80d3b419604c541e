import { InvalidArgumentError, type Command } from 'commander';
import { ApiKeyStore, parseNamespaces, parseScopes, type ApiKeyScope } from '@strata/auth';
import { createKnex, ensureDatabase, migrateLatest } from '@strata/database';
import type { Knex } from 'knex';
import { configFrom, withDatabaseOption, type OverrideFlags } from '../options';

/** Turns a parser's error into commander's, so bad input prints one line naming the option. */
function optionParser<T>(parse: (raw: string) => T): (raw: string) => T {
  return (raw) => {
    try {
      return parse(raw);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

async function withKeyStore<T>(flags: OverrideFlags, use: (store: ApiKeyStore) => Promise<T>): Promise<T> {
  const config = configFrom(flags);
  await ensureDatabase(config.databaseUrl);
  const knex: Knex = createKnex(config.databaseUrl, { max: 1 });
  try {
    await migrateLatest(knex);
    return await use(new ApiKeyStore(knex));
  } finally {
    await knex.destroy();
  }
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('manage producer API keys (stored hashed)');

  withDatabaseOption(keys.command('create'))
    .description('create an API key and print it once')
    .requiredOption('--name <name>', 'who or what uses the key, e.g. "airflow-prod"')
    .option('--scopes <list>', 'comma-separated: write, read, admin', optionParser(parseScopes), ['write'])
    .option(
      '--namespaces <list>',
      "comma-separated namespaces the key may use, '*' for all",
      optionParser(parseNamespaces),
      ['*'],
    )
    .action(async (flags: OverrideFlags & { name: string; scopes: ApiKeyScope[]; namespaces: string[] }) => {
      const { scopes, namespaces } = flags;
      const { id, key } = await withKeyStore(flags, (store) =>
        store.create({ name: flags.name, scopes, namespaces }),
      );
      process.stderr.write(
        `created key ${id} "${flags.name}" (scopes ${scopes.join(',')}; namespaces ${namespaces.join(',')}).\n` +
          'The key is shown once; store it now:\n',
      );
      process.stdout.write(`${key}\n`);
    });

  withDatabaseOption(keys.command('revoke'))
    .description('revoke an API key by id')
    .argument('<id>', 'the key id printed by `strata keys create` or `strata keys list`')
    .action(async (id: string, flags: OverrideFlags) => {
      const revoked = await withKeyStore(flags, (store) => store.revoke(id));
      if (!revoked) {
        process.stderr.write(`strata: no active key with id ${id}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`revoked key ${id}\n`);
    });

  withDatabaseOption(keys.command('list'))
    .description('list API keys (never their secrets)')
    .action(async (flags: OverrideFlags) => {
      const all = await withKeyStore(flags, (store) => store.list());
      for (const key of all) {
        const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
        process.stdout.write(
          `${key.keyId}  ${key.name}  scopes=${key.scopes.join(',')}  namespaces=${key.namespaces.join(',')}  ${state}\n`,
        );
      }
    });
}
