import { describe, expect, it } from 'vitest';
import { newId } from '@strata/sdk';
import { itemLeaves, lineage } from '@strata/views';
import { classLabel, sdkStackForSuite } from './support/sdk-stack';

/** SDK → Kafka → the real projector (apps/projector) → the views' own queries. */
const sdk = sdkStackForSuite({
  label: 'sdk_views',
  namespace: 'vision',
  actor: { kind: 'HUMAN', id: 'alice' },
  projector: true,
});

describe('SDK events in the projector’s views', () => {
  it('gives the leaves of a corrected, consolidated and partly retracted label history, and the lineage of a pipeline', async () => {
    const { producer, knex, projected } = sdk();
    const itemIds = Array.from({ length: 50 }, () => `img-${newId()}`);
    await Promise.all(
      itemIds.map((itemId) =>
        producer.registerItem({
          itemId,
          uri: `s3://b/${itemId}`,
          contentHash: 'sha256:0',
          mediaType: 'image/jpeg',
          datasets: ['street'],
        }),
      ),
    );
    const [itemId] = itemIds;
    const model = await producer.createLabel({
      ...classLabel(itemId, 'car', { kind: 'MODEL', id: 'det' }),
      confidence: 0.6,
    });
    const human = await producer.createLabel(classLabel(itemId, 'truck', { kind: 'HUMAN', id: 'bob' }));
    const consolidated = await producer.correctLabel({
      ...classLabel(itemId, 'truck', { kind: 'HUMAN', id: 'erin' }),
      parents: [model.labelId, human.labelId],
    });
    const mistaken = await producer.correctLabel({
      ...classLabel(itemId, 'bus', { kind: 'HUMAN', id: 'bob' }),
      parents: [consolidated.labelId],
    });
    await producer.retractLabel({ itemId, labelId: mistaken.labelId, reason: 'mistake' });
    await producer.reviewLabel({
      itemId,
      labelId: consolidated.labelId,
      verdict: 'APPROVED',
      reviewer: { kind: 'HUMAN', id: 'qa' },
    });

    const run = await producer
      .pipeline<{ itemId: string }>({ job: 'resize', provenance: true })
      .map('resize', (sample) => ({ itemId: `${sample.itemId}/512` }))
      .run(itemIds.map((id) => ({ itemId: id })));

    const schema = await projected();
    expect(await knex.withSchema(schema).table('dead_letters').count({ n: '*' })).toEqual([{ n: '0' }]);

    const leaves = await itemLeaves(knex, schema, itemId);
    expect(leaves.map((leaf) => [leaf.labelId, leaf.latestVerdict])).toEqual([
      [consolidated.labelId, 'APPROVED'],
    ]);

    const steps = await knex.withSchema(schema).table('run_steps').where({ run_id: run.runId });
    expect(steps).toHaveLength(2); // the step's summary and its provenance chunk
    const upstream = await lineage(knex, schema, {
      from: { kind: 'ITEM', id: `${itemId}/512`, version: null },
      direction: 'upstream',
      maxDepth: 1,
      maxNodes: 200,
    });
    expect(JSON.stringify(upstream)).toContain(itemId);
  });
});
