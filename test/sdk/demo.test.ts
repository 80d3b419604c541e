import { describe, expect, it } from 'vitest';
import { publishDemo } from '@strata/demo';
import { itemLeaves } from '@strata/views';
import { sdkStackForSuite } from './support/sdk-stack';

const sdk = sdkStackForSuite({
  label: 'sdk_demo',
  namespace: 'demo',
  projector: true,
});

describe('the demo history', () => {
  it('is projected by the projector without a dead letter, with its runs and its highlighted items', async () => {
    const { producer, knex, projected } = sdk();
    const summary = await publishDemo(producer, { items: 400, seed: 7, namespace: 'demo' });
    expect(summary.eventsByType.registerItem).toBe(400);

    const schema = await projected();
    const table = (name: string) => knex.withSchema(schema).table(name);
    expect(await table('dead_letters').count({ n: '*' })).toEqual([{ n: '0' }]);
    expect(await table('items').count({ n: '*' })).toEqual([{ n: '400' }]);
    const completions: { run_id: string; status: string }[] = await table('run_completions').select(
      'run_id',
      'status',
    );
    expect(Object.fromEntries(completions.map((row) => [row.run_id, row.status]))).toEqual({
      [summary.completedRun.runId]: 'COMPLETED',
      [summary.failedRun.runId]: 'FAILED',
    });
    const consolidated = summary.highlights.consolidated;
    expect(consolidated).toBeDefined();
    expect(await itemLeaves(knex, schema, consolidated!)).toHaveLength(1);
  });
});
