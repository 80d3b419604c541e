import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { History } from '../../../../test/query-api/support/history';
import { createTestDatabase, type TestDatabase } from '../../../../test/query-api/support/test-database';
import { ViewsSeeder } from '../../../../test/query-api/support/views-seeder';
import { ndjsonLines } from '../common/streams';
import { everyNamespace, visibilityOf, type ReadScope } from '../domain/read-scope';
import { TrainingSetService, type Selection } from '../services/training-set.service';
import { LiveViews } from './live-views';
import { TrainingSetRepository } from './training-set.repository';

// The lines PostgreSQL writes for `latest` and `all-leaves` must be byte for byte those of the
// consolidation in domain/ (which the manifest uses), including what JSON text normalizes.
let database: TestDatabase;
let service: TrainingSetService;

const tasks = ['class', 'bbox', 'Zeta', 'alpha', 'ä', 'a\\"t'];
const itemIds = [
  'a"quote',
  'b\\slash',
  'c\ttab',
  'd\u0001ctl',
  'e😀',
  'f\u2028ls',
  'g é',
  'h',
  'i',
  'j',
  'k',
  'l',
];
/** Payload texts a producer may have written: spacing, number forms, duplicate keys, not JSON at all. */
const payloads = [
  'not json',
  ' { "b" : 1 , "a":[1.0, 2e3, "x\\u00e9\\n"] } ',
  '{"1":1,"a":2,"0":3}',
  '"text"',
  'null',
  '12345678901234567890',
  '{"a":1,"a":2}',
  '[\n1,\n2]',
  '{"s":"\\ud83d\\ude00 \\u2028"}',
  '1e400',
];
const confidences = [0.00005, 1e-7, 0.1 + 0.2, 1, 0, 1 / 3, null, 1e-5, -0];

beforeAll(async () => {
  database = await createTestDatabase('rendered_lines');
  const seeder = await ViewsSeeder.createLive(database.knex);
  const history = new History((itemId) => itemId.length % 3);
  itemIds.forEach((itemId, index) => {
    history.namespace = index === 6 ? 'other' : 'test';
    history.registerItem(itemId, { datasets: index % 2 ? ['ds'] : ['ds', 'more'] });
    for (const task of tasks.slice(0, 1 + (index % tasks.length))) {
      const author = { kind: index % 2 ? ('MODEL' as const) : ('HUMAN' as const), id: `"${index}` };
      const first = history.createLabel(itemId, { v: 1 }, { task, author });
      const second = history.createLabel(itemId, { v: 2 }, { task });
      if (index % 3 === 0) history.correctLabel(itemId, [first], { v: 3 }, { task });
      if (index % 4 === 1 && task !== 'class') history.review(itemId, second, 'REJECTED');
      if (index % 4 === 2) history.review(itemId, second, 'APPROVED');
    }
  });
  await seeder.apply(history.events);
  const { rows } = (await database.knex.raw(
    `SELECT label_id FROM ${seeder.schema}.label_nodes ORDER BY label_id`,
  )) as { rows: { label_id: string }[] };
  for (const [index, { label_id }] of rows.entries()) {
    await database.knex.raw(
      `UPDATE ${seeder.schema}.label_nodes SET payload = ?, confidence = ?::float8 WHERE label_id = ?`,
      [
        payloads[index % payloads.length],
        // -0 would be bound as 0: sent as text, PostgreSQL keeps the sign.
        Object.is(confidences[index % confidences.length], -0)
          ? '-0'
          : confidences[index % confidences.length],
        label_id,
      ],
    );
  }
  service = new TrainingSetService(new TrainingSetRepository(new LiveViews(database.knex)));
}, 60_000);

afterAll(async () => {
  await database?.drop();
});

async function text(pieces: AsyncIterable<string | Buffer>): Promise<string> {
  const all: Buffer[] = [];
  for await (const piece of pieces) all.push(typeof piece === 'string' ? Buffer.from(piece) : piece);
  return Buffer.concat(all).toString('utf8');
}

describe('training lines written by PostgreSQL', () => {
  const selections: Selection[] = [
    {},
    { dataset: 'ds' },
    { dataset: 'more', task: 'bbox' },
    { task: 'alpha' },
  ];
  const scopes: ReadScope[] = [
    { asOf: { kind: 'latest' }, visibility: visibilityOf(['test']) },
    { asOf: { kind: 'latest' }, visibility: everyNamespace },
  ];

  it.each(['latest', 'all-leaves'] as const)(
    'are the bytes of the consolidated lines under %s',
    async (name) => {
      for (const scope of scopes) {
        for (const selection of selections) {
          const expected = await text(ndjsonLines(service.linesByItem(scope, selection, { name })));
          expect(expected).not.toBe('');
          expect(await text(service.ndjson(scope, selection, { name }))).toBe(expected);
        }
      }
    },
  );
});
