// `strata` with only the broker command registered: apps/cli/src/main.ts loads every command (and
// their whole apps), so this keeps the broker command's test independent of the rest of the CLI.
//   node -r @swc-node/register test/broker/support/broker-cli.ts broker --port P --data-dir D
import { Command } from 'commander';
import { registerBroker } from '../../../apps/cli/src/commands/broker.command';

const program = new Command('strata');
registerBroker(program);
void program.parseAsync(process.argv);
