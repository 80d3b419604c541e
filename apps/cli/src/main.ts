import 'reflect-metadata';
import { Command } from 'commander';
import { ConfigError } from '@strata/config';
import { registerBroker } from './commands/broker.command';
import { registerBuilds } from './commands/builds.command';
import { registerDemo } from './commands/demo.command';
import { registerGateway } from './commands/gateway.command';
import { registerKeys } from './commands/keys.command';
import { registerMigrate } from './commands/migrate.command';
import { registerProjector } from './commands/projector.command';
import { registerQueryApi } from './commands/query-api.command';
import { registerRebuild } from './commands/rebuild.command';
import { registerRegistry } from './commands/registry.command';
import { registerSchemasCommand } from './commands/schemas.command';
import { registerSnapshot } from './commands/snapshot.command';
import { registerTopics } from './commands/topics.command';
import { registerUp } from './commands/up.command';
import { registerVerify } from './commands/verify.command';

export function buildProgram(): Command {
  const program = new Command('strata')
    .description('Strata: event-sourced lineage for machine-learning datasets')
    .showHelpAfterError();
  registerUp(program);
  registerBroker(program);
  registerMigrate(program);
  registerQueryApi(program);
  registerProjector(program);
  registerRebuild(program);
  registerBuilds(program);
  registerVerify(program);
  registerSnapshot(program);
  registerGateway(program);
  registerKeys(program);
  registerDemo(program);
  registerTopics(program);
  registerRegistry(program);
  registerSchemasCommand(program);
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`strata: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`strata: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  }
}

if (
  require.main === module ||
  process.argv[1]?.endsWith('strata.js') ||
  process.argv[1]?.endsWith('strata')
) {
  void main();
}
