import { describe, expect, it } from 'vitest';
import { BadParameterError } from '../common/errors';
import {
  consolidate,
  fieldOf,
  formatStrategy,
  isEmitted,
  parseFormattedStrategy,
  parseStrategy,
  type Strategy,
} from './consolidation';
import { leaf } from './label-fixtures';

const latest: Strategy = { name: 'latest' };
const allLeaves: Strategy = { name: 'all-leaves' };
const unresolved: Strategy = { name: 'unresolved' };
const majorityOfClass: Strategy = { name: 'majority', field: 'class' };

const ids = (labels: { labelId: string }[]) => labels.map((label) => label.labelId);

describe('consolidation strategies', () => {
  const cat = leaf(10, { class: 'cat' });
  const dog = leaf(20, { class: 'dog' });
  const lateCat = leaf(30, { class: 'cat' });

  it('latest takes the leaf made last in the log, whatever the order given', () => {
    expect(consolidate(latest, [lateCat, cat, dog])).toEqual({ status: 'resolved', labels: [lateCat] });
  });

  it('all-leaves keeps every leaf in log order', () => {
    const result = consolidate(allLeaves, [dog, lateCat, cat]);
    expect(result.status === 'resolved' && ids(result.labels)).toEqual(ids([cat, dog, lateCat]));
  });

  it('majority votes over the payload field and names the latest winning leaf', () => {
    expect(consolidate(majorityOfClass, [cat, dog, lateCat])).toEqual({
      status: 'resolved',
      labels: [lateCat],
      vote: { field: 'class', value: '"cat"', votes: 2, voters: 3 },
    });
  });

  it('majority compares structured values canonically and ignores leaves without the field', () => {
    const a = leaf(1, { box: { x: 1, y: 2 } });
    const b = leaf(2, { box: { y: 2, x: 1 } });
    const c = leaf(3, { other: true });
    const result = consolidate({ name: 'majority', field: 'box' }, [a, b, c]);
    expect(result).toMatchObject({ status: 'resolved', labels: [b], vote: { votes: 2, voters: 2 } });
  });

  it('majority reports a tie or no votes as unresolved', () => {
    expect(consolidate(majorityOfClass, [cat, dog])).toMatchObject({ status: 'unresolved', reason: 'tie' });
    expect(consolidate(majorityOfClass, [leaf(1, 'free text')])).toMatchObject({
      status: 'unresolved',
      reason: 'no-votes',
    });
  });

  it('unresolved reports items with several leaves and passes single leaves', () => {
    expect(consolidate(unresolved, [dog, cat])).toMatchObject({
      status: 'unresolved',
      reason: 'several-leaves',
    });
    expect(consolidate(unresolved, [cat])).toEqual({ status: 'resolved', labels: [cat] });
  });

  it.each([latest, allLeaves, majorityOfClass, unresolved])(
    '%j reports an item whose leaf was rejected as unresolved',
    (strategy) => {
      const rejected = leaf(40, { class: 'cat' }, { latestVerdict: 'REJECTED' });
      const approved = leaf(5, { class: 'cat' }, { latestVerdict: 'APPROVED' });
      const result = consolidate(strategy, [approved, rejected]);
      expect(result).toMatchObject({ status: 'unresolved', reason: 'rejected-leaf' });
      expect(isEmitted(strategy, result)).toBe(strategy.name === 'unresolved');
      expect(consolidate(strategy, [approved]).status).toBe('resolved');
    },
  );
});

describe('strategy parameters', () => {
  it('defaults to latest and round-trips the stored form', () => {
    expect(parseStrategy(undefined, undefined)).toEqual(latest);
    for (const strategy of [
      latest,
      allLeaves,
      majorityOfClass,
      unresolved,
      { name: 'majority', field: 'a.b' },
    ]) {
      expect(parseFormattedStrategy(formatStrategy(strategy as Strategy))).toEqual(strategy);
    }
  });

  it('names the parameter at fault', () => {
    expect(() => parseStrategy('average', undefined)).toThrow(BadParameterError);
    expect(() => parseStrategy('average', undefined)).toThrow(/^strategy: unknown strategy/);
    expect(() => parseStrategy('majority', undefined)).toThrow(/^field: /);
    expect(() => parseStrategy('majority', "class'); --")).toThrow(/^field: /);
  });

  it('reads dotted payload paths only through own properties', () => {
    expect(fieldOf({ a: { b: 1 } }, 'a.b')).toBe(1);
    expect(fieldOf({ a: [1] }, 'a.0')).toBeUndefined();
    expect(fieldOf({}, 'constructor')).toBeUndefined();
  });
});
