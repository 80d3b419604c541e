import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { petsScenario } from './support/pets-scenario';
import { startHarness, type QueryApiHarness } from './support/query-api-harness';
import { ViewsSeeder } from './support/views-seeder';

const scenario = petsScenario();
const { labels, phase1 } = scenario;
type LabelName = keyof typeof labels;
let harness: QueryApiHarness;

beforeAll(async () => {
  harness = await startHarness('training', {
    prepare: async (database) => {
      const seeder = await ViewsSeeder.createLive(database.knex);
      await seeder.apply(scenario.history.events);
    },
  });
});

afterAll(async () => {
  await harness?.close();
});

interface Line {
  itemId: string;
  task: string;
  label?: { labelId: string; payload: unknown };
  vote?: { value: string; votes: number; voters: number };
  unresolved?: string;
  leaves?: { labelId: string }[];
}

async function exportLines(query: string): Promise<{ lines: Line[]; contentType: string }> {
  const response = await harness.get(`/v1/training-set?${query}`);
  expect(response.status).toBe(200);
  const text = await response.text();
  return {
    contentType: response.headers.get('content-type') ?? '',
    lines: text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Line),
  };
}

const trained = (lines: Line[]) => lines.map((line) => [line.itemId, line.label?.labelId]);
const expected = (pairs: [string, LabelName][]) => pairs.map(([itemId, name]) => [itemId, labels[name]]);

describe('GET /v1/training-set', () => {
  it('streams NDJSON of (item, uri, content hash, label) under latest', async () => {
    const { lines, contentType } = await exportLines('dataset=pets&task=class');
    expect(contentType).toContain('application/x-ndjson');
    expect(trained(lines)).toEqual(
      expected([
        ['img-a', 'a2'],
        ['img-b', 'b3'],
        ['img-d', 'd2'],
        ['img-f', 'f3'],
        ['img-g', 'g3'],
      ]),
    );
    expect(lines[0]).toMatchObject({
      itemId: 'img-a',
      uri: 's3://bucket/img-a.jpg',
      contentHash: 'sha256:img-a',
      task: 'class',
      label: { labelId: labels.a2, payload: { class: 'dog' }, author: { kind: 'HUMAN', id: 'ann-2' } },
    });
  });

  it('all-leaves trains on every leaf', async () => {
    const { lines } = await exportLines('dataset=pets&strategy=all-leaves');
    expect(trained(lines)).toEqual(
      expected([
        ['img-a', 'a2'],
        ['img-b', 'b1'],
        ['img-b', 'b2'],
        ['img-b', 'b3'],
        ['img-d', 'd1'],
        ['img-d', 'd2'],
        ['img-f', 'f3'],
        ['img-g', 'g3'],
      ]),
    );
  });

  it('majority votes over a payload field and leaves ties out', async () => {
    const { lines } = await exportLines('dataset=pets&strategy=majority&field=class');
    expect(trained(lines)).toEqual(
      expected([
        ['img-a', 'a2'],
        ['img-b', 'b3'],
        ['img-f', 'f3'],
        ['img-g', 'g3'],
      ]),
    );
    expect(lines[1].vote).toEqual({ field: 'class', value: '"cat"', votes: 2, voters: 3 });
  });

  it('unresolved lists the items needing a human: several leaves, or a rejected leaf', async () => {
    const { lines } = await exportLines('dataset=pets&strategy=unresolved');
    expect(
      lines.map((line) => [line.itemId, line.unresolved, line.leaves?.map((leaf) => leaf.labelId)]),
    ).toEqual([
      ['img-b', 'several-leaves', [labels.b1, labels.b2, labels.b3]],
      ['img-c', 'rejected-leaf', [labels.c1]],
      ['img-d', 'several-leaves', [labels.d1, labels.d2]],
    ]);
  });

  it('exports every dataset and task when none is named, in item order', async () => {
    const { lines } = await exportLines('');
    expect(lines.map((line) => `${line.itemId}/${line.task}`)).toEqual([
      'img-a/class',
      'img-b/class',
      'img-d/class',
      'img-e/bbox',
      'img-e/class',
      'img-f/class',
      'img-g/class',
    ]);
  });

  it.each([
    ['offsets', phase1.offsets.map((o) => `${o.topic}:${o.partition}=${o.offset}`).join(',')],
    ['time', phase1.time.toISOString()],
  ])('answers as of phase 1 given %s', async (_form, asOf) => {
    const { lines } = await exportLines(`dataset=pets&strategy=all-leaves&asOf=${encodeURIComponent(asOf)}`);
    expect(trained(lines)).toEqual(
      expected([
        ['img-a', 'a1'],
        ['img-b', 'b1'],
        ['img-b', 'b2'],
        ['img-c', 'c1'],
        ['img-d', 'd1'],
        ['img-f', 'f1'],
        ['img-g', 'g1'],
        ['img-g', 'g2'],
      ]),
    );
  });

  it('is empty for an unknown dataset', async () => {
    expect((await exportLines('dataset=nothing')).lines).toEqual([]);
  });
});
