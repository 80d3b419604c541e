/**
 * Query API benchmark: the API against the database's own limit, measured in the same run.
 *
 *   SWC_NODE_PROJECT=tsconfig.json node -r @swc-node/register bench/query/query.bench.ts
 *
 * Environment: BENCH_ITEMS (default 50000), BENCH_SECONDS per load phase (default 10),
 * BENCH_CONNECTIONS (default 8), BENCH_EXPORT_RUNS (default 3), DATABASE_URL's server (default the
 * local one).
 *
 * 1. Leaves of one item, a depth-5 upstream lineage (a tree of files), and the depth-5 upstream
 *    lineage of one augmented sample through a pipeline run that recorded per-sample provenance as
 *    the SDK does (chunks of 1000 samples, paired), through HTTP (autocannon, keep-alive, the API
 *    in its own process) beside the exact statements the API ran for that request, replayed on a
 *    pool with the API pool's session settings (statement timeout, JIT off) and the same
 *    concurrency: p50, p99 and their ratio (target ≤ 2×).
 * 2. Training-set export rows/s through HTTP beside `COPY (SELECT …) TO STDOUT` of the same rows on
 *    a pooled connection (PostgreSQL's own export rate, through pg-copy-streams), after a warm-up of
 *    each, alternately, median of BENCH_EXPORT_RUNS. Target ≥ 0.5×.
 */
import 'reflect-metadata';
import { Pool } from 'pg';
import pino from 'pino';
import { NestFactory } from '@nestjs/core';
import { packItemRefs } from '@strata/contracts';
import { quotedSchema } from '@strata/views';
import { ApiKeyStore, ApiKeyVerifier } from '@strata/auth';
import { visibilityOf } from '../../apps/query-api/src/domain/read-scope';
import { QueryApiModule } from '../../apps/query-api/src/query-api.module';
import { ItemsService } from '../../apps/query-api/src/services/items.service';
import { LineageService } from '../../apps/query-api/src/services/lineage.service';
import { defaultServiceLimits, limits } from '../../apps/query-api/src/common/limits';
import { sessionDatabaseUrl } from '../../apps/query-api/src/dependencies';
import { History, fileRef } from '../../test/query-api/support/history';
import { createTestDatabase } from '../../test/query-api/support/test-database';
import { ViewsSeeder } from '../../test/query-api/support/views-seeder';
import { copyToStdout, download, httpLoad, spawnQueryApi, sqlLoad, type LatencySummary } from './measure';

const itemCount = Number(process.env.BENCH_ITEMS ?? 50_000);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 8);
const lineageDepth = 5;
const exportRuns = Number(process.env.BENCH_EXPORT_RUNS ?? 3);
const schema = 'build_bench';
const itemIdOf = (index: number) => `item-${String(index).padStart(7, '0')}`;

/**
 * Items with one to three labels each (every third item corrected), a binary lineage tree, and a
 * run that resized, deduplicated and augmented every item with per-sample provenance.
 */
function benchHistory(): { history: History; treeRoot: string; augmentedSample: string } {
  const history = new History((itemId) => Number(itemId.slice(-1)) % 3);
  for (let index = 0; index < itemCount; index += 1) {
    const itemId = itemIdOf(index);
    history.registerItem(itemId, { datasets: ['bench'], source: 'bench', license: 'CC0-1.0' });
    const first = history.createLabel(itemId, { class: index % 2 ? 'cat' : 'dog' });
    if (index % 3 === 0) history.correctLabel(itemId, [first], { class: 'bird' });
  }
  // Each artifact at depth d < 5 is made by one step from two artifacts at depth d + 1.
  const run = history.startRun('bench-pipeline', 'git:bench');
  const build = (name: string, depth: number): void => {
    if (depth === lineageDepth) return;
    const inputs = [`${name}.0`, `${name}.1`];
    inputs.forEach((input) => build(input, depth + 1));
    history.step(run, `make-${depth}`, inputs.map(fileRef), [fileRef(name)]);
  };
  build('root', 0);
  // As the SDK records a pipeline: one step per chunk of 1000 samples, its ids packed and paired.
  const preprocess = history.startRun('bench-preprocess', 'git:bench');
  const stages: [string, (id: string) => string[], (id: string) => string[]][] = [
    ['resize', (id) => [id], (id) => [`${id}/512`]],
    ['dedupe', (id) => [`${id}/512`], (id) => [`${id}/dedup`]],
    ['augment', (id) => [`${id}/dedup`], (id) => [`${id}/dedup`, `${id}/hflip`]],
  ];
  for (const [operation, inputsOf, outputsOf] of stages) {
    for (let start = 0; start < itemCount; start += 1000) {
      const ids = Array.from({ length: Math.min(1000, itemCount - start) }, (_, at) => itemIdOf(start + at));
      const outputs = ids.flatMap(outputsOf);
      const pairing = [1, outputs.length / ids.length, ids.length];
      history.step(preprocess, operation, [], [], {}, packItemRefs(ids.flatMap(inputsOf), outputs, pairing));
    }
  }
  return { history, treeRoot: 'root', augmentedSample: `${itemIdOf(Math.floor(itemCount / 3))}/hflip` };
}

/** The statements `action` runs through knex, in order, as pg text + values (the "same SQL"). */
async function capturedStatements(
  knex: import('knex').Knex,
  action: () => Promise<unknown>,
): Promise<{ text: string; values: unknown[] }[]> {
  const statements: { text: string; values: unknown[] }[] = [];
  const listener = (query: { sql: string; bindings?: unknown[] }) =>
    statements.push({
      text: (knex.client as { positionBindings(sql: string): string }).positionBindings(query.sql),
      values: query.bindings ?? [],
    });
  knex.on('query', listener);
  try {
    await action();
  } finally {
    knex.off('query', listener);
  }
  return statements;
}

function report(name: string, api: LatencySummary, sql: LatencySummary): void {
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a');
  console.log(`\n${name}`);
  console.log(
    `  API (HTTP):       ${api.perSecond.toFixed(0)} req/s   p50 ${api.p50.toFixed(2)} ms   p99 ${api.p99.toFixed(2)} ms`,
  );
  console.log(
    `  same SQL (pool):  ${sql.perSecond.toFixed(0)} req/s   p50 ${sql.p50.toFixed(2)} ms   p99 ${sql.p99.toFixed(2)} ms`,
  );
  console.log(
    `  ratio API/SQL:    p50 ${ratio(api.p50, sql.p50)}×   p99 ${ratio(api.p99, sql.p99)}×   (target ≤ 2×)`,
  );
}

async function main(): Promise<void> {
  const database = await createTestDatabase('bench');
  const api = { stop: async () => {} };
  try {
    console.log(`seeding ${itemCount} items…`);
    const started = performance.now();
    const seeder = await ViewsSeeder.createLive(database.knex, schema);
    const { history, treeRoot, augmentedSample } = benchHistory();
    for (let start = 0; start < history.events.length; start += 10_000) {
      await seeder.apply(history.events.slice(start, start + 10_000));
    }
    await database.knex.raw('VACUUM ANALYZE');
    console.log(
      `seeded ${history.events.length} events in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const running = await spawnQueryApi(database.url);
    api.stop = running.stop;
    // A reader of the history's namespace: the API filters every read by it, so the SQL below does too.
    const keys = new ApiKeyStore(database.knex);
    const readerKey = (await keys.create({ name: 'bench', scopes: ['read'], namespaces: ['test'] })).key;
    const withKey = { authorization: `Bearer ${readerKey}` };
    const scope = { asOf: { kind: 'latest' as const }, visibility: visibilityOf(['test']) };

    // The statements the API runs for each request, captured from the same services in this process.
    const context = await NestFactory.createApplicationContext(
      QueryApiModule.with({
        knex: database.knex,
        logger: pino({ level: 'silent' }),
        publisher: { publish: () => Promise.reject(new Error('unused')) },
        logOffsets: { offsetsAtTime: () => Promise.reject(new Error('unused')) },
        access: { keys: new ApiKeyVerifier(keys) },
      }),
      { logger: false },
    );
    const itemId = itemIdOf(Math.floor(itemCount / 2));
    const upstreamOf = (artifactKind: 'FILE' | 'ITEM', id: string) => ({
      request: {
        node: { kind: 'artifact' as const, artifactKind, id, version: null },
        direction: 'upstream' as const,
        depth: lineageDepth,
        page: { skip: 0, limit: limits.lineageNodes.max },
      },
      path: `${running.url}/v1/lineage?node=${encodeURIComponent(`artifact:${artifactKind.toLowerCase()}:${id}`)}&direction=upstream&depth=${lineageDepth}&limit=${limits.lineageNodes.max}`,
    });
    const walks = [
      { name: 'depth-5 upstream lineage', ...upstreamOf('FILE', treeRoot) },
      { name: 'depth-5 upstream lineage of one augmented sample', ...upstreamOf('ITEM', augmentedSample) },
    ];
    const items = context.get(ItemsService);
    const lineage = context.get(LineageService);
    await items.leaves(scope, itemId); // warms the live-build cache, as a running API has it
    const leavesSql = await capturedStatements(database.knex, () => items.leaves(scope, itemId));
    console.log(`leaves request: ${leavesSql.length} statement(s)`);
    const walkSql = [];
    for (const walk of walks) {
      const sql = await capturedStatements(database.knex, () => lineage.graph(scope, walk.request));
      const graph = await lineage.graph(scope, walk.request);
      walkSql.push({ ...walk, sql, nodes: graph.nodes.length });
      console.log(
        `${walk.name}: ${sql.length} statement(s), ${graph.nodes.length} nodes, ${graph.edges.length} edges`,
      );
    }
    await context.close();

    // The API's own session settings (statement timeout, JIT off), so the same SQL runs the same way.
    const pool = new Pool({
      connectionString: sessionDatabaseUrl(database.url, defaultServiceLimits),
      max: 20,
    });
    try {
      const leavesPath = `${running.url}/v1/items/${itemId}/leaves`;
      await httpLoad(leavesPath, connections, 2, withKey); // warm-up: JIT, pools, plans
      await sqlLoad(pool, leavesSql, connections, 2);
      report(
        `leaves of one item (${connections} connections, ${seconds} s each)`,
        await httpLoad(leavesPath, connections, seconds, withKey),
        await sqlLoad(pool, leavesSql, connections, seconds),
      );
      for (const walk of walkSql) {
        await httpLoad(walk.path, connections, 2, withKey);
        await sqlLoad(pool, walk.sql, connections, 2);
        report(
          `${walk.name} (${walk.nodes} nodes; ${connections} connections, ${seconds} s each)`,
          await httpLoad(walk.path, connections, seconds, withKey),
          await sqlLoad(pool, walk.sql, connections, seconds),
        );
      }
    } finally {
      await pool.end();
    }

    // Training-set export: the whole dataset through HTTP beside COPY of the same rows on a pooled
    // connection, alternately, after one warm-up of each; the median run of each is compared.
    const s = quotedSchema(schema);
    const sameRows =
      `SELECT i.item_id, i.uri, i.content_hash, n.task, n.label_id, n.payload, n.author_kind, n.author_id,
        n.confidence, l.latest_verdict
      FROM ${s}.item_datasets d JOIN ${s}.items i ON i.item_id = d.item_id
      JOIN ${s}.label_leaves l ON l.item_id = i.item_id JOIN ${s}.label_nodes n ON n.label_id = l.label_id
     WHERE d.dataset = 'bench' ORDER BY i.item_id, n.log_offset`.replace(/\s+/g, ' ');
    const exportUrl = `${running.url}/v1/training-set?dataset=bench`;
    const copyPool = new Pool({ connectionString: database.url, max: 1 });
    const apiRuns: { seconds: number; rows: number }[] = [];
    const copyRuns: { seconds: number; rows: number }[] = [];
    try {
      await download(exportUrl, withKey);
      await copyToStdout(copyPool, sameRows);
      for (let run = 0; run < exportRuns; run += 1) {
        apiRuns.push(await download(exportUrl, withKey));
        copyRuns.push(await copyToStdout(copyPool, sameRows));
      }
    } finally {
      await copyPool.end();
    }
    const median = (runs: { seconds: number; rows: number }[]) =>
      [...runs].sort((a, b) => a.seconds - b.seconds)[Math.floor(runs.length / 2)];
    const apiExport = median(apiRuns);
    const copyExport = median(copyRuns);
    if (apiExport.rows !== copyExport.rows) {
      throw new Error(`the API exported ${apiExport.rows} lines, COPY ${copyExport.rows} rows`);
    }
    const apiRate = apiExport.rows / apiExport.seconds;
    const copyRate = copyExport.rows / copyExport.seconds;
    const runs = (all: { seconds: number }[]) => all.map((run) => run.seconds.toFixed(2)).join(', ');
    console.log(
      `\ntraining-set export (${apiExport.rows} rows, strategy latest, live views, read with COPY … (FORMAT binary); median of ${exportRuns})`,
    );
    console.log(
      `  API NDJSON stream:                ${apiRate.toFixed(0)} rows/s (${apiExport.seconds.toFixed(2)} s; runs ${runs(apiRuns)})`,
    );
    console.log(
      `  COPY (SELECT …) TO STDOUT (pool): ${copyRate.toFixed(0)} rows/s (${copyExport.seconds.toFixed(2)} s; runs ${runs(copyRuns)})`,
    );
    console.log(`  ratio API/COPY: ${(apiRate / copyRate).toFixed(2)}×   (target ≥ 0.5×)`);
  } finally {
    await api.stop();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
