import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, Topics } from '@strata/kafka';
import { eventIdTables, quotedSchema } from '@strata/views';
import { startProjector } from '../../apps/projector/src/start';
import { logEnds, waitForCheckpoints } from '../projector/support';
import { readTopic } from '../sdk/support/topic-reader';
import { checkConcurrently, type FuzzRequest } from './support/arbitraries';
import { send, startFuzzStack, type FuzzAnswer, type FuzzStack } from './support/fuzz-stack';
import { gatewayRequests, queryApiRequests } from './support/requests';

/**
 * Property fuzz of both HTTP services on a real broker, registry and database: random methods,
 * paths from their OpenAPI documents, query parameters and bodies. Whatever comes in: never a 5xx,
 * every refusal is JSON saying why, the processes keep answering, and a refused gateway request
 * leaves nothing on Kafka (what the topics hold is exactly what the gateway acknowledged) and no row.
 * STRATA_FUZZ_RUNS sets the number of requests in all (default 10,000, half to each service).
 */
const totalRuns = Number(process.env.STRATA_FUZZ_RUNS ?? 10_000);
const gatewayRuns = Math.ceil(totalRuns / 2);
const queryApiRuns = totalRuns - gatewayRuns;
const seed = Number(process.env.STRATA_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Requests in flight at once per service. */
const concurrency = 6;
const runsOf = (runs: number) => ({ runs, seed, concurrency });
const logger = pino({ level: process.env.STRATA_TEST_LOG_LEVEL ?? 'silent' });

let stack: FuzzStack;
const tally = { gateway: new Map<number, number>(), queryApi: new Map<number, number>() };
const timings = { gatewayMs: 0, queryApiMs: 0 };
const writes = { acknowledged: 0, onKafka: 0, projected: 0, releases: 0 };

beforeAll(async () => {
  stack = await startFuzzStack();
}, 120_000);

afterAll(async () => {
  const cases = (counts: Map<number, number>) => [...counts.values()].reduce((sum, count) => sum + count, 0);
  const statuses = (counts: Map<number, number>) =>
    [...counts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => `${status}×${count}`)
      .join(' ');
  console.log(
    `fuzz (seed ${seed}): ${cases(tally.gateway) + cases(tally.queryApi)} cases tried ` +
      `(gateway ${cases(tally.gateway)} in ${(timings.gatewayMs / 1000).toFixed(1)} s: ${statuses(tally.gateway)}; ` +
      `query API ${cases(tally.queryApi)} in ${(timings.queryApiMs / 1000).toFixed(1)} s: ${statuses(tally.queryApi)}); ` +
      `events acknowledged ${writes.acknowledged}, on Kafka ${writes.onKafka}, distinct ids projected ${writes.projected}; ` +
      `releases frozen ${writes.releases}`,
  );
  await stack?.stop();
});

function describeRequest(request: FuzzRequest): string {
  const body =
    request.body === undefined ? '' : ` body ${Buffer.from(request.body).toString('utf8').slice(0, 2000)}`;
  const role = request.headers.authorization ? 'with a key' : 'without a key';
  return `${request.method} ${request.path.slice(0, 2000)} ${role}${body}`;
}

/** No 5xx, and a refusal (other than to HEAD, which has no body) is JSON that says why. */
function expectWellFormed(service: string, request: FuzzRequest, answer: FuzzAnswer): void {
  const text = answer.body.toString('utf8');
  if (answer.status >= 500 || answer.status < 200) {
    throw new Error(
      `${service} answered ${answer.status} to ${describeRequest(request)}: ${text.slice(0, 500)}`,
    );
  }
  if (answer.status < 400 || request.method === 'HEAD') return;
  let reason: unknown;
  try {
    const parsed = JSON.parse(text) as { message?: unknown; detail?: unknown };
    reason = parsed.detail ?? parsed.message;
  } catch {
    reason = undefined;
  }
  if (typeof reason !== 'string' || reason.trim() === '') {
    throw new Error(
      `${service} refused ${describeRequest(request)} with ${answer.status} but no JSON reason: ${text.slice(0, 300)}`,
    );
  }
}

async function healthy(url: string): Promise<boolean> {
  return (await fetch(`${url}/health/live`)).status === 200;
}

/** The event ids of every view row made by one event, dead letters included. */
async function eventIdsInViews(): Promise<Set<string>> {
  const schema = quotedSchema(stack.viewsSchema);
  const { rows } = await stack.knex.raw(
    eventIdTables
      .map((table) => `SELECT event_id FROM ${schema}.${table} WHERE event_id IS NOT NULL`)
      .join(' UNION ALL '),
  );
  return new Set((rows as { event_id: string }[]).map((row) => row.event_id));
}

/** Runs the real projector over the topics until it has read them to their ends. */
async function projectTopics(): Promise<void> {
  const { brokers, registryUrl } = stack.gateway.stack;
  const projector = await startProjector({
    brokers,
    registryUrl,
    knex: stack.knex,
    logger,
    groupId: 'fuzz-projector',
  });
  try {
    const ends = await logEnds(createKafka({ brokers, clientId: 'fuzz-ends', logger }));
    await waitForCheckpoints(stack.knex, () => stack.viewsSchema, ends);
  } finally {
    await projector.stop();
  }
}

async function viewRowCounts(): Promise<Record<string, number>> {
  const schema = quotedSchema(stack.viewsSchema);
  const tables = ['items', 'label_nodes', 'label_reviews', 'runs', 'run_steps', 'lineage_edges', 'snapshots'];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const { rows } = await stack.knex.raw(`SELECT count(*)::int AS n FROM ${schema}.${table}`);
    counts[table] = (rows as { n: number }[])[0].n;
  }
  return counts;
}

describe('HTTP fuzz', () => {
  // The query API fuzz comes first: its views are seeded with a test history whose offsets are not
  // Kafka's, so the real projector, run at the end of the gateway fuzz, must not share them before.
  it(`query API: ${queryApiRuns} random requests, no 5xx, and only accepted releases become rows`, async () => {
    const started = Date.now();
    const document = (await (await fetch(`${stack.api.url}/openapi.json`)).json()) as Parameters<
      typeof queryApiRequests
    >[0];
    const rowsBefore = await viewRowCounts();
    let releasesFrozen = 0;
    await checkConcurrently(
      queryApiRequests(document, stack.queryKeys, stack.known),
      runsOf(queryApiRuns),
      async (request) => {
        const answer = await send(stack.api.url, request);
        tally.queryApi.set(answer.status, (tally.queryApi.get(answer.status) ?? 0) + 1);
        expectWellFormed('query API', request, answer);
        if (request.method === 'POST' && (answer.status === 201 || answer.status === 202))
          releasesFrozen += 1;
      },
    );
    expect(await healthy(stack.api.url)).toBe(true);
    expect(await viewRowCounts()).toEqual({
      ...rowsBefore,
      snapshots: rowsBefore.snapshots + releasesFrozen,
    });
    writes.releases = releasesFrozen;
    timings.queryApiMs = Date.now() - started;
  }, 300_000);

  it(`gateway: ${gatewayRuns} random requests, no 5xx; Kafka and the views hold exactly what was acknowledged`, async () => {
    const started = Date.now();
    const document = (await (await fetch(`${stack.gateway.gateway.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const idsBefore = await eventIdsInViews();
    const acknowledged = new Map<string, number>();
    await checkConcurrently(
      gatewayRequests(document, stack.gatewayKeys),
      runsOf(gatewayRuns),
      async (request) => {
        const answer = await send(stack.gateway.gateway.url, request);
        tally.gateway.set(answer.status, (tally.gateway.get(answer.status) ?? 0) + 1);
        expectWellFormed('gateway', request, answer);
        // Only the ingest endpoints write; their 200 answers list what was written.
        if (answer.status !== 200 || request.method !== 'POST' || !answer.contentType.includes('json'))
          return;
        const parsed = JSON.parse(answer.body.toString('utf8')) as {
          results?: { status: string; eventId: string }[];
          events?: { eventId: string }[];
        };
        const written = [
          ...(parsed.results ?? []).filter((result) => result.status === 'written'),
          ...(parsed.events ?? []),
        ];
        for (const { eventId } of written) acknowledged.set(eventId, (acknowledged.get(eventId) ?? 0) + 1);
      },
    );
    expect(await healthy(stack.gateway.gateway.url)).toBe(true);

    const onKafka = new Map<string, number>();
    for (const topic of [Topics.items, Topics.runs, Topics.snapshots]) {
      for (const record of await readTopic(
        stack.gateway.stack.brokers,
        stack.gateway.stack.registryUrl,
        topic,
        logger,
      )) {
        const { eventId } = record.event.event.envelope;
        onKafka.set(eventId, (onKafka.get(eventId) ?? 0) + 1);
      }
    }
    // Every record is one the gateway acknowledged, as often as it acknowledged it: a refused request
    // (or a refused event of a partial one) left nothing behind, and nothing acknowledged was lost.
    expect(onKafka).toEqual(acknowledged);
    expect(acknowledged.size).toBeGreaterThan(0);

    // Projected by the real projector, every acknowledged event became a row or a dead letter (a
    // re-used event id is a duplicate, skipped), and no refused event became anything.
    await projectTopics();
    const made = [...(await eventIdsInViews())].filter((eventId) => !idsBefore.has(eventId));
    expect(new Set(made)).toEqual(new Set(acknowledged.keys()));
    writes.acknowledged = [...acknowledged.values()].reduce((sum, count) => sum + count, 0);
    writes.onKafka = [...onKafka.values()].reduce((sum, count) => sum + count, 0);
    writes.projected = made.length;
    timings.gatewayMs = Date.now() - started;
  }, 300_000);
});
