import { z } from 'zod';

/** Thrown when the environment (or a flag) holds a value Strata cannot run with; the message names it. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const port = (variable: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return fallback;
      const value = Number(raw);
      if (!/^\d+$/.test(raw) || value < 1 || value > 65535) {
        ctx.addIssue({ code: 'custom', message: `${variable} must be a port number 1-65535, got "${raw}"` });
        return z.NEVER;
      }
      return value;
    });

const url = (variable: string, protocols: string[], fallback?: string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const value = raw === undefined || raw === '' ? fallback : raw;
      if (value === undefined) return undefined;
      let parsed: URL;
      try {
        parsed = new URL(value);
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: `${variable} must be a URL (${protocols.join(' or ')}), got "${value}"`,
        });
        return z.NEVER;
      }
      if (!protocols.includes(parsed.protocol)) {
        ctx.addIssue({
          code: 'custom',
          message: `${variable} must use ${protocols.join(' or ')}, got "${parsed.protocol}"`,
        });
        return z.NEVER;
      }
      return value;
    });

const brokers = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (raw === undefined || raw.trim() === '') return undefined;
    const list = raw.split(',').map((entry) => entry.trim());
    for (const entry of list) {
      if (!/^[A-Za-z0-9_.-]+:\d{1,5}$/.test(entry)) {
        ctx.addIssue({
          code: 'custom',
          message: `STRATA_KAFKA_BROKERS must be a comma-separated list of host:port, got "${entry}"`,
        });
        return z.NEVER;
      }
    }
    return list;
  });

const environmentSchema = z.object({
  STRATA_KAFKA_BROKERS: brokers,
  STRATA_SCHEMA_REGISTRY_URL: url('STRATA_SCHEMA_REGISTRY_URL', ['http:', 'https:']),
  DATABASE_URL: url(
    'DATABASE_URL',
    ['postgres:', 'postgresql:'],
    'postgres://postgres@127.0.0.1:5432/strata',
  ),
  STRATA_DATA_DIR: z.string().optional(),
  STRATA_KAFKA_PORT: port('STRATA_KAFKA_PORT', 9092),
  STRATA_REGISTRY_PORT: port('STRATA_REGISTRY_PORT', 8081),
  STRATA_API_PORT: port('STRATA_API_PORT', 3000),
  STRATA_GATEWAY_PORT: port('STRATA_GATEWAY_PORT', 3001),
  STRATA_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).optional(),
});

export type StrataEnvironment = z.input<typeof environmentSchema>;

export interface StrataConfig {
  /** External Kafka bootstrap servers; undefined means "embed a broker". */
  kafkaBrokers?: string[];
  /** External schema registry; undefined means "embed a registry". */
  schemaRegistryUrl?: string;
  databaseUrl: string;
  dataDir: string;
  kafkaPort: number;
  registryPort: number;
  apiPort: number;
  gatewayPort: number;
  logLevel: string;
}

/**
 * Reads and validates Strata's configuration. `overrides` are environment-style values given by CLI
 * flags; they win over the environment and are validated the same way, so an error always names the
 * variable a user can set.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Record<keyof StrataEnvironment, string | undefined>> = {},
): StrataConfig {
  const merged: Record<string, string | undefined> = {};
  for (const key of Object.keys(environmentSchema.shape)) {
    merged[key] = overrides[key as keyof StrataEnvironment] ?? env[key];
  }
  const result = environmentSchema.safeParse(merged);
  if (!result.success) {
    const reasons = result.error.issues.map((issue) =>
      issue.code === 'custom' ? issue.message : `${issue.path.join('.')}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration: ${reasons.join('; ')}`);
  }
  const value = result.data;
  return {
    kafkaBrokers: value.STRATA_KAFKA_BROKERS,
    schemaRegistryUrl: value.STRATA_SCHEMA_REGISTRY_URL,
    databaseUrl: value.DATABASE_URL as string,
    dataDir: value.STRATA_DATA_DIR || '.strata',
    kafkaPort: value.STRATA_KAFKA_PORT,
    registryPort: value.STRATA_REGISTRY_PORT,
    apiPort: value.STRATA_API_PORT,
    gatewayPort: value.STRATA_GATEWAY_PORT,
    logLevel: value.STRATA_LOG_LEVEL ?? 'info',
  };
}
