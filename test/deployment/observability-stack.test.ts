import { liveSchemaName } from '@strata/projector';
import { newId } from '@strata/sdk';
import { prometheusSample } from '@strata/testing';
import { Topics } from '@strata/kafka';
import { describe, expect, it } from 'vitest';
import { sdkStackForSuite } from '../sdk/support/sdk-stack';

/*
 * /health and /metrics of the real projector (apps/projector) on the embedded stack (or the external
 * one startTestStack was given), fed through the SDK.
 */

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('health and metrics of the projector', () => {
  const sdk = sdkStackForSuite({
    label: 'observability',
    namespace: 'observability',
    projector: { metricsPort: 0 },
  });
  const metricsUrl = () => sdk().projector!.metricsUrl!;
  const itemsLag = async () =>
    prometheusSample(await (await fetch(`${metricsUrl()}/metrics`)).text(), 'strata_consumer_lag', {
      topic: Topics.items,
    });

  it('is ready when Kafka, the registry and PostgreSQL answer', async () => {
    const response = await fetch(`${metricsUrl()}/health/ready`);
    const report = await response.json();
    expect(report).toMatchObject({
      status: 'ready',
      checks: { kafka: { status: 'up' }, schemaRegistry: { status: 'up' }, postgres: { status: 'up' } },
    });
    expect(response.status).toBe(200);
  });

  it('shows the lag rise when events are produced and return to 0 once the projector has projected them', async () => {
    const { knex, producer, projected } = sdk();
    expect(await until(itemsLag, (value) => value === 0)).toBe(0);

    // Hold the projector's checkpoint commits (reads stay allowed) so the lag is seen before it falls.
    const schema = await liveSchemaName(knex);
    const holding = await knex.transaction();
    try {
      await holding.raw(`LOCK TABLE "${schema}".checkpoints IN EXCLUSIVE MODE`);
      await Promise.all(
        Array.from({ length: 30 }, () => {
          const itemId = `img-${newId()}`;
          return producer.registerItem({
            itemId,
            uri: `s3://bucket/${itemId}.jpg`,
            contentHash: 'sha256:0',
            mediaType: 'image/jpeg',
            datasets: ['lag'],
          });
        }),
      );
      expect(await itemsLag()).toBe(30);
    } finally {
      await holding.rollback();
    }

    expect(await until(itemsLag, (value) => value === 0)).toBe(0);
    const items = await knex
      .withSchema(await projected())
      .table('items')
      .count({ n: '*' });
    expect(items).toEqual([{ n: '30' }]);
  });
});
