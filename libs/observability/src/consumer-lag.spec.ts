import { prometheusSample } from '@strata/testing';
import { describe, expect, it } from 'vitest';
import { computeConsumerLag, StrataMetrics } from './index';

describe('computeConsumerLag', () => {
  const offsets = [
    { topic: 'strata.items', partition: 0, low: 0, high: 10 },
    { topic: 'strata.items', partition: 1, low: 4, high: 9 },
    { topic: 'strata.runs', partition: 0, low: 0, high: 3 },
  ];

  it('counts the events between each checkpoint and the partition end', () => {
    const lag = computeConsumerLag('labels', offsets, [
      { topic: 'strata.items', partition: 0, nextOffset: 7 },
      { topic: 'strata.items', partition: 1, nextOffset: 9 },
      { topic: 'strata.runs', partition: 0, nextOffset: 3 },
    ]);
    expect(lag).toEqual([
      { projection: 'labels', topic: 'strata.items', partition: 0, lag: 3 },
      { projection: 'labels', topic: 'strata.items', partition: 1, lag: 0 },
      { projection: 'labels', topic: 'strata.runs', partition: 0, lag: 0 },
    ]);
  });

  it('counts a whole partition without checkpoint, from its first retained offset', () => {
    expect(computeConsumerLag('labels', offsets, []).map((sample) => sample.lag)).toEqual([10, 5, 3]);
  });
});

describe('strata_consumer_lag', () => {
  it('is asked of its sources at every scrape', async () => {
    const metrics = new StrataMetrics({ service: 'projector', processMetrics: false });
    let lag = 7;
    metrics.watchConsumerLag(async () => [
      { projection: 'labels', topic: 'strata.items', partition: 2, lag },
    ]);
    const labels = { projection: 'labels', topic: 'strata.items', partition: '2' };
    expect(prometheusSample(await metrics.text(), 'strata_consumer_lag', labels)).toBe(7);
    lag = 0;
    expect(prometheusSample(await metrics.text(), 'strata_consumer_lag', labels)).toBe(0);
  });

  it('leaves the lag absent, not 0, when a source cannot measure it', async () => {
    const metrics = new StrataMetrics({ service: 'projector', processMetrics: false });
    metrics.watchConsumerLag(async () => {
      throw new Error('Kafka is down');
    });
    expect(prometheusSample(await metrics.text(), 'strata_consumer_lag')).toBeUndefined();
  });
});
