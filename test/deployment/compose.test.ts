import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../apps/cli/src/main';

/*
 * docker-compose.yml cannot be run on these machines (no Docker engine), so it is checked by reading:
 * the parts must fit together the way the services will use them.
 */

const root = path.join(__dirname, '../..');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null>;
  ports?: Array<string | { published?: string | number; target: number; host_ip?: string }>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
  deploy?: { replicas?: number };
  container_name?: string;
  restart?: string;
}

// Docker Compose resolves `<<` merge keys (YAML 1.1); the yaml package does when asked.
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
};
const services = Object.entries(compose.services);
const strataServices = services.filter(([, service]) => service.image === 'strata:local');
const env = (service: ComposeService) =>
  Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, String(value)]));

/** The variable names of the README's configuration table (the first column, in backticks). */
function documentedVariables(): Set<string> {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((part) => part.startsWith('Configuration'));
  if (!section) throw new Error('README.md has no "## Configuration" section');
  const names = [...section.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)].map((match) => match[1]);
  return new Set(names);
}

/** `host:port` of each listener in a Kafka listeners value like `PLAINTEXT://kafka:9092,HOST://:29092`. */
function listeners(value: string): Map<string, { host: string; port: number }> {
  return new Map(
    value.split(',').map((entry) => {
      const match = /^([A-Z_]+):\/\/([^:]*):(\d+)$/.exec(entry.trim());
      if (!match) throw new Error(`not a Kafka listener: ${entry}`);
      return [match[1], { host: match[2], port: Number(match[3]) }];
    }),
  );
}

/** Host port of a `ports` entry in short (`127.0.0.1:8081:8081`, `3000:3000`) or long syntax. */
function published(entry: NonNullable<ComposeService['ports']>[number]): { host: number; container: number } {
  if (typeof entry !== 'string') return { host: Number(entry.published), container: entry.target };
  const parts = entry.split(':');
  return { host: Number(parts.at(-2)), container: Number(parts.at(-1)) };
}

describe('docker-compose.yml', () => {
  it('runs the Strata processes as separate services, two projector replicas among them', () => {
    expect(strataServices.map(([name]) => name).sort()).toEqual([
      'gateway',
      'projector',
      'query-api',
      'strata-init',
    ]);
    const commandOf = (name: string) => compose.services[name].command;
    expect(commandOf('gateway')?.[0]).toBe('gateway');
    expect(commandOf('projector')?.[0]).toBe('projector');
    expect(commandOf('query-api')?.[0]).toBe('query-api');
    expect(compose.services.projector.deploy?.replicas).toBeGreaterThanOrEqual(2);
  });

  // A plain YAML scalar holding ": " (a JavaScript ternary, say) silently turns into a mapping.
  it('holds only strings in commands, health checks and environments', () => {
    const isScalar = (value: unknown) => ['string', 'number', 'boolean'].includes(typeof value);
    for (const [name, service] of services) {
      for (const part of [service.command ?? [], service.healthcheck?.test ?? []].flat()) {
        expect(typeof part, `${name}: ${JSON.stringify(part)}`).toBe('string');
      }
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        expect(isScalar(value), `${name}: ${variable}`).toBe(true);
      }
    }
  });

  it('gives every service an image or a build', () => {
    for (const [name, service] of services) {
      expect(service.image ?? service.build, name).toBeTruthy();
    }
    for (const [name, service] of strataServices) {
      expect(service.build, name).toEqual({ context: '.', dockerfile: 'infra/Dockerfile' });
    }
  });

  it('uses only environment variables documented in the README configuration table', () => {
    const documented = documentedVariables();
    expect(documented.size).toBeGreaterThan(5);
    for (const [name, service] of strataServices) {
      for (const variable of Object.keys(service.environment ?? {})) {
        expect(documented.has(variable), `${name}: ${variable} is not in README's configuration table`).toBe(
          true,
        );
      }
    }
  });

  it('publishes no host port twice, and each one on the port its service listens on', () => {
    const seen = new Map<number, string>();
    for (const [name, service] of services) {
      for (const entry of service.ports ?? []) {
        const { host } = published(entry);
        expect(seen.get(host), `host port ${host} of ${name}`).toBeUndefined();
        seen.set(host, name);
      }
    }
    const containerPorts = (name: string) =>
      (compose.services[name].ports ?? []).map((p) => published(p).container);
    expect(containerPorts('gateway')).toEqual([Number(env(compose.services.gateway).STRATA_GATEWAY_PORT)]);
    expect(containerPorts('query-api')).toEqual([Number(env(compose.services['query-api']).STRATA_API_PORT)]);
  });

  it('lets projector replicas share one consumer group: one definition, nothing per replica', () => {
    const projector = compose.services.projector;
    expect(projector.ports ?? []).toEqual([]);
    expect(projector.container_name).toBeUndefined();
    // Per-replica templating (e.g. {{.Task.Slot}}) in the environment would split the group.
    for (const value of Object.values(env(projector))) expect(value).not.toMatch(/\{\{/);
  });

  it('points every Strata service at the Kafka listener the broker advertises to containers', () => {
    const kafka = env(compose.services.kafka);
    const advertised = listeners(kafka.KAFKA_ADVERTISED_LISTENERS);
    const bound = listeners(kafka.KAFKA_LISTENERS);
    const internal = advertised.get(kafka.KAFKA_INTER_BROKER_LISTENER_NAME);
    expect(internal).toEqual({
      host: 'kafka',
      port: bound.get(kafka.KAFKA_INTER_BROKER_LISTENER_NAME)?.port,
    });
    expect(kafka.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(
      `${kafka.KAFKA_NODE_ID}@kafka:${bound.get(kafka.KAFKA_CONTROLLER_LISTENER_NAMES)?.port}`,
    );
    for (const [name, service] of strataServices) {
      expect(env(service).STRATA_KAFKA_BROKERS, name).toBe(`${internal?.host}:${internal?.port}`);
    }
    const registry = env(compose.services['schema-registry']);
    expect(registry.SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS).toBe(
      `${kafka.KAFKA_INTER_BROKER_LISTENER_NAME}://${internal?.host}:${internal?.port}`,
    );
  });

  it('keeps the log forever at the broker level too', () => {
    const kafka = env(compose.services.kafka);
    expect(kafka.KAFKA_LOG_RETENTION_HOURS).toBe('-1');
    expect(kafka.KAFKA_LOG_RETENTION_BYTES).toBe('-1');
    expect(kafka.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
  });

  it('points every Strata service at the schema registry and PostgreSQL that compose runs', () => {
    const registry = env(compose.services['schema-registry']);
    const registryPort = new URL(registry.SCHEMA_REGISTRY_LISTENERS).port;
    const postgres = env(compose.services.postgres);
    for (const [name, service] of strataServices) {
      const registryUrl = new URL(env(service).STRATA_SCHEMA_REGISTRY_URL);
      expect(`${registryUrl.hostname}:${registryUrl.port}`, name).toBe(
        `${registry.SCHEMA_REGISTRY_HOST_NAME}:${registryPort}`,
      );
      expect(registry.SCHEMA_REGISTRY_HOST_NAME).toBe('schema-registry');
      const database = new URL(env(service).DATABASE_URL);
      expect(database.hostname, name).toBe('postgres');
      expect(database.username).toBe(postgres.POSTGRES_USER);
      expect(decodeURIComponent(database.password)).toBe(postgres.POSTGRES_PASSWORD);
      expect(database.pathname).toBe(`/${postgres.POSTGRES_DB}`);
    }
  });

  it('starts services only once what they need is healthy, and the init job has succeeded', () => {
    for (const [name, service] of services) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(compose.services[dependency], `${name} depends on ${dependency}`).toBeDefined();
        const expected = dependency === 'strata-init' ? 'service_completed_successfully' : 'service_healthy';
        expect(condition, `${name} → ${dependency}`).toBe(expected);
        if (expected === 'service_healthy') expect(compose.services[dependency].healthcheck).toBeDefined();
      }
    }
    for (const name of ['gateway', 'projector', 'query-api']) {
      expect(Object.keys(compose.services[name].depends_on ?? {})).toEqual(['strata-init']);
      expect(compose.services[name].healthcheck, name).toBeDefined();
    }
    expect(Object.keys(compose.services['strata-init'].depends_on ?? {}).sort()).toEqual([
      'kafka',
      'postgres',
      'schema-registry',
    ]);
    expect(compose.services['strata-init'].restart).toBe('no');
  });

  it('provisions the database, the topics and the schemas in the init job', () => {
    const command = [compose.services['strata-init'].command ?? []].flat().join(' ');
    expect(command).toMatch(/strata\.js migrate/);
    expect(command).toMatch(/strata\.js topics apply --file infra\/topics\.yaml/);
    expect(command).toMatch(/strata\.js schemas register/);
  });

  it('runs only command lines the strata CLI accepts', () => {
    const commandLines = strataServices.flatMap(([name, service]) => {
      const command = [service.command ?? []].flat();
      // strata-init chains several `node bin/strata.js …` invocations through a shell.
      const lines = command.join(' ').includes('bin/strata.js')
        ? command
            .join(' ')
            .split('&&')
            .map((line) => line.trim().split(/\s+/).slice(2))
        : [command];
      return lines.map((args) => ({ name, args }));
    });
    expect(commandLines.length).toBeGreaterThanOrEqual(6);
    for (const { name, args } of commandLines) {
      const program = buildProgram();
      // Parse only: every command (and subcommand) throws instead of exiting and does nothing.
      const inert = (command: Command): void => {
        command.exitOverride().action(() => undefined);
        command.commands.forEach(inert);
      };
      inert(program);
      expect(() => program.parse(args, { from: 'user' }), `${name}: strata ${args.join(' ')}`).not.toThrow();
    }
  });

  it('keeps Kafka and PostgreSQL data in named volumes', () => {
    expect(Object.keys(compose.volumes ?? {}).sort()).toEqual(['kafka-data', 'postgres-data']);
  });
});

describe('infra/Dockerfile', () => {
  const dockerfile = readFileSync(path.join(root, 'infra/Dockerfile'), 'utf8');

  it('installs with npm ci on node:20-bookworm-slim and runs the strata CLI', () => {
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim$/m);
    expect(dockerfile).toMatch(/^RUN npm ci\b/m);
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "--max-semi-space-size=64", "bin\/strata\.js"\]$/m);
  });
});
