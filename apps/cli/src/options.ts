import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig, type StrataConfig } from '@strata/config';

/** The flags that may override configuration variables, named after the variable they override. */
const overridable = {
  brokers: 'STRATA_KAFKA_BROKERS',
  registryUrl: 'STRATA_SCHEMA_REGISTRY_URL',
  databaseUrl: 'DATABASE_URL',
  dataDir: 'STRATA_DATA_DIR',
  kafkaPort: 'STRATA_KAFKA_PORT',
  registryPort: 'STRATA_REGISTRY_PORT',
  apiPort: 'STRATA_API_PORT',
  gatewayPort: 'STRATA_GATEWAY_PORT',
} as const;

export type OverrideFlags = Partial<Record<keyof typeof overridable, string>>;

export function withDatabaseOption(command: Command): Command {
  return command.option('--database-url <url>', 'PostgreSQL URL (env DATABASE_URL)');
}

export function withConnectionOptions(command: Command): Command {
  return withDatabaseOption(command)
    .option('--brokers <list>', 'Kafka bootstrap servers host:port,… (env STRATA_KAFKA_BROKERS)')
    .option('--registry-url <url>', 'schema registry URL (env STRATA_SCHEMA_REGISTRY_URL)');
}

export function configFrom(flags: OverrideFlags): StrataConfig {
  const overrides: Record<string, string | undefined> = {};
  for (const [flag, variable] of Object.entries(overridable)) {
    overrides[variable] = flags[flag as keyof OverrideFlags];
  }
  return loadConfig(process.env, overrides);
}

/** Commander parser for a port flag that has no configuration variable behind it. */
export function portNumber(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) > 65535)
    throw new InvalidArgumentError('must be a port number 0-65535');
  return Number(raw);
}

/**
 * At most this many batches in flight: each holds a connection of the process's knex pool (10),
 * which also serves the checkpoint and live-build reads.
 */
const maxConcurrentPartitions = 8;

/** Commander parser for a whole number from `min` to `max`. */
const wholeNumber = (min: number, max: number) => (raw: string) => {
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
  return Number(raw);
};

/** `--concurrent-partitions` of the commands that project (projector, rebuild). */
export function withConcurrentPartitionsOption(command: Command): Command {
  return command.option(
    '--concurrent-partitions <n>',
    `partitions projected at once, each batch in its own transaction (1-${maxConcurrentPartitions}, default 3)`,
    wholeNumber(1, maxConcurrentPartitions),
  );
}

/** At most this many rebuild threads: each holds its own clients, connections and heap. */
const maxThreads = 8;

/** `--threads` of rebuild. */
export function withThreadsOption(command: Command, defaultThreads: number): Command {
  return command.option(
    '--threads <n>',
    `threads replaying at once, each its share of the partitions with its own connections (1-${maxThreads}, default ${defaultThreads}: this machine's cores, at most 4)`,
    wholeNumber(1, maxThreads),
  );
}
