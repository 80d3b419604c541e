import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createTestDatabase,
  freePort,
  runCli,
  startCli,
  waitForHttpOk,
  type CliProcess,
  type TestDatabase,
} from '@strata/testing';

/**
 * The platform as production runs it: one process per part (broker, registry, gateway, projector,
 * query API), each a `strata …` command, so a test can kill, restart and measure any one of them.
 * The broker is always embedded here: restarting brokers needs owning them.
 */
export interface Platform {
  databaseUrl: string;
  brokers: string[];
  registryUrl: string;
  gatewayUrl: string;
  apiUrl: string;
  projectorMetricsUrl: string;
  namespace: string;
  writeKey: string;
  readKey: string;
  processes: Map<PartName, CliProcess>;
  /** Kills a part (SIGKILL unless told otherwise) and starts it again on the same ports and data. */
  restart(part: PartName, signal?: NodeJS.Signals): Promise<void>;
  /** Resident set size of each running part, bytes, from /proc. */
  memory(): Record<PartName, number>;
  stop(): Promise<void>;
}

export type PartName = 'broker' | 'registry' | 'gateway' | 'projector' | 'query-api';

export interface PlatformOptions {
  label: string;
  /** A server of the test's own (e.g. a private PostgreSQL it will restart); default the shared one. */
  serverUrl?: string;
}

function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  return kib ? Number(kib[1]) * 1024 : 0;
}

async function mustRun(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const result = await runCli(args, env);
  if (result.code !== 0)
    throw new Error(`strata ${args.join(' ')} failed (${result.code}):\n${result.stderr}`);
  return result.stdout.trim();
}

export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const database: TestDatabase = await createTestDatabase({
    label: options.label,
    serverUrl: options.serverUrl,
  });
  const dataDir = await mkdtemp(path.join(tmpdir(), `strata-${options.label}-`));
  const ports = {
    kafka: await freePort(),
    registry: await freePort(),
    gateway: await freePort(),
    api: await freePort(),
    projector: await freePort(),
  };
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: database.url,
    STRATA_KAFKA_BROKERS: `127.0.0.1:${ports.kafka}`,
    STRATA_SCHEMA_REGISTRY_URL: `http://127.0.0.1:${ports.registry}`,
    STRATA_DATA_DIR: dataDir,
  };
  const urls = {
    gateway: `http://127.0.0.1:${ports.gateway}`,
    api: `http://127.0.0.1:${ports.api}`,
    projector: `http://127.0.0.1:${ports.projector}`,
  };
  const parts: Record<PartName, { args: string[]; ready: () => Promise<unknown> }> = {
    broker: {
      args: ['broker', '--port', String(ports.kafka), '--data-dir', dataDir, '--partitions', '3'],
      ready: () => processes.get('broker')!.waitForLog('broker ready; press Ctrl-C to stop'),
    },
    registry: {
      args: ['registry', '--port', String(ports.registry)],
      ready: () => waitForHttpOk(`${env.STRATA_SCHEMA_REGISTRY_URL}/subjects`),
    },
    gateway: {
      args: ['gateway', '--gateway-port', String(ports.gateway)],
      ready: () => waitForHttpOk(`${urls.gateway}/health/ready`),
    },
    projector: {
      args: ['projector', '--metrics-port', String(ports.projector), '--host', '127.0.0.1'],
      ready: () => waitForHttpOk(`${urls.projector}/health/ready`),
    },
    'query-api': {
      args: ['query-api', '--api-port', String(ports.api), '--host', '127.0.0.1'],
      ready: () => waitForHttpOk(`${urls.api}/health/ready`),
    },
  };
  const processes = new Map<PartName, CliProcess>();
  const launch = async (part: PartName) => {
    processes.set(part, startCli(parts[part].args, env));
    await parts[part].ready();
  };

  const stop = async () => {
    for (const part of [...processes.keys()].reverse()) await processes.get(part)!.stop('SIGKILL');
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    await launch('broker');
    await launch('registry');
    await mustRun(['migrate'], env);
    await mustRun(['topics', 'apply', '--replication-factor', '1'], env);
    await mustRun(['schemas', 'register'], env);
    const namespace = options.label.replace(/_/g, '-');
    const key = (scopes: string) =>
      mustRun(
        [
          'keys',
          'create',
          '--name',
          `${options.label}-${scopes}`,
          '--scopes',
          scopes,
          '--namespaces',
          namespace,
        ],
        env,
      );
    const writeKey = await key('write');
    const readKey = await key('read');
    await launch('projector');
    await launch('gateway');
    await launch('query-api');
    return {
      databaseUrl: database.url,
      brokers: [env.STRATA_KAFKA_BROKERS!],
      registryUrl: env.STRATA_SCHEMA_REGISTRY_URL!,
      gatewayUrl: urls.gateway,
      apiUrl: urls.api,
      projectorMetricsUrl: urls.projector,
      namespace,
      writeKey,
      readKey,
      processes,
      async restart(part, signal = 'SIGKILL') {
        await processes.get(part)?.stop(signal);
        await launch(part);
      },
      memory() {
        const sizes = {} as Record<PartName, number>;
        for (const [part, cli] of processes) sizes[part] = residentBytes(cli.child.pid!);
        return sizes;
      },
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
