import type { Command } from 'commander';
import { checkSchemas, loadEventSchemas, registerSchemas, type SchemaCheck } from '@strata/contracts';
import { createLogger } from '@strata/logging';
import { configFrom, type OverrideFlags } from '../options';

interface SchemasFlags extends OverrideFlags {
  dir?: string;
}

function withRegistryOptions(command: Command): Command {
  return command
    .option('--registry-url <url>', 'schema registry URL (env STRATA_SCHEMA_REGISTRY_URL)')
    .option(
      '--registry-port <port>',
      'port of the local registry when no --registry-url (env STRATA_REGISTRY_PORT)',
    )
    .option('--dir <dir>', 'schemas directory (default: the repository’s schemas/)');
}

/** Without an explicit URL, the registry `strata up` or `strata registry` runs locally. */
function registryUrlOf(flags: SchemasFlags): string {
  const config = configFrom(flags);
  return config.schemaRegistryUrl ?? `http://127.0.0.1:${config.registryPort}`;
}

/** One line per subject; pure, so the wording is tested without a registry. */
export function describeCheck(check: SchemaCheck): string {
  switch (check.status) {
    case 'registered':
      return `same          ${check.subject} (already version ${check.version})`;
    case 'new-subject':
      return `new           ${check.subject}`;
    case 'compatible':
      return `compatible    ${check.subject}`;
    case 'incompatible':
      return `INCOMPATIBLE  ${check.subject}\n${check.messages.map((message) => `  - ${message}`).join('\n')}`;
  }
}

export function registerSchemasCommand(program: Command): void {
  const schemas = program
    .command('schemas')
    .description('event schemas (schemas/*.avsc) and the schema registry');

  withRegistryOptions(schemas.command('register'))
    .description('register every schema of the working tree (idempotent); prints subject, id and version')
    .action(async (flags: SchemasFlags) => {
      const registryUrl = registryUrlOf(flags);
      const logger = createLogger(configFrom(flags).logLevel);
      const registrations = await registerSchemas(registryUrl, loadEventSchemas(flags.dir), logger);
      for (const { subject, id, version } of registrations) {
        process.stdout.write(`${subject}\tid ${id}\tversion ${version}\n`);
      }
    });

  withRegistryOptions(schemas.command('check'))
    .description(
      "report whether each working-tree schema is compatible with its subject's registered versions " +
        '(under the subject’s level); exits 1 when any is not',
    )
    .action(async (flags: SchemasFlags) => {
      const checks = await checkSchemas(registryUrlOf(flags), loadEventSchemas(flags.dir));
      for (const check of checks) process.stdout.write(`${describeCheck(check)}\n`);
      if (checks.some((check) => check.status === 'incompatible')) process.exitCode = 1;
    });
}
