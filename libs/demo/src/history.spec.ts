import { validateEvent, type StrataEvent } from '@strata/contracts';
import { describe, expect, it } from 'vitest';
import { generateDemoHistory } from './history';

const history = generateDemoHistory({ items: 2000, seed: 42, namespace: 'demo' });

describe('generateDemoHistory', () => {
  it('is deterministic for a seed and different for another', () => {
    expect(generateDemoHistory({ items: 2000, seed: 42, namespace: 'demo' })).toEqual(history);
    expect(generateDemoHistory({ items: 2000, seed: 43, namespace: 'demo' }).samples[0]).not.toEqual(
      history.samples[0],
    );
  });

  it('covers two datasets, several annotators and a model, consolidations, reviews, rejections and retractions', () => {
    const count = (method: string) => history.calls.filter((call) => call.method === method).length;
    expect(count('registerItem')).toBe(2000);
    expect(new Set(history.samples.map((sample) => sample.dataset))).toEqual(
      new Set(['street-scenes', 'product-reviews']),
    );
    const labels = history.calls.flatMap((call) => (call.method === 'createLabel' ? [call.input] : []));
    const authors = new Set(labels.map((label) => `${label.author.kind}:${label.author.id}`));
    expect([...authors].filter((author) => author.startsWith('HUMAN')).length).toBeGreaterThanOrEqual(4);
    expect([...authors].some((author) => author.startsWith('MODEL'))).toBe(true);
    const corrections = history.calls.flatMap((call) => (call.method === 'correctLabel' ? [call.input] : []));
    expect(corrections.some((correction) => correction.parents.length > 1)).toBe(true);
    const reviews = history.calls.flatMap((call) => (call.method === 'reviewLabel' ? [call.input] : []));
    expect(reviews.some((review) => review.verdict === 'REJECTED')).toBe(true);
    expect(count('retractLabel')).toBeGreaterThan(0);
    expect(Object.values(history.highlights).every((itemId) => typeof itemId === 'string')).toBe(true);
  });

  it('puts the senior annotator’s corrections months after the labels they correct, and keeps every call in time order', () => {
    const times = history.calls.map((call) => call.input.envelope!.eventTime!);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const createdAt = new Map(
      history.calls.flatMap((call) =>
        call.method === 'createLabel' || call.method === 'correctLabel'
          ? [[call.input.labelId, call.input.envelope!.eventTime!] as const]
          : [],
      ),
    );
    const gaps = history.calls.flatMap((call) =>
      call.method === 'correctLabel' && call.input.author.id === 'erin'
        ? call.input.parents.map((parent) => call.input.envelope!.eventTime! - createdAt.get(parent)!)
        : [],
    );
    expect(Math.min(...gaps)).toBeGreaterThan(60 * 24 * 60 * 60 * 1000);
  });

  it('produces only events the event model accepts', () => {
    const producer = { name: 'strata-demo', version: '1' };
    for (const call of history.calls.slice(0, 500)) {
      const type = {
        registerItem: 'ItemRegistered',
        createLabel: 'LabelCreated',
        correctLabel: 'LabelCorrected',
        reviewLabel: 'LabelReviewed',
        retractLabel: 'LabelRetracted',
      }[call.method];
      const event = {
        tool: null,
        confidence: null,
        guidelineVersion: null,
        comment: null,
        reason: null,
        ...call.input,
        envelope: { producer, ...call.input.envelope },
      };
      expect(validateEvent({ type, event } as StrataEvent)).toEqual([]);
    }
  });
});
