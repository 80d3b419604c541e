import { describe, expect, it } from 'vitest';
import { canSee, visibilityOf, visibleNamespaces } from './read-scope';

describe('visibility of a key', () => {
  it('sees only its namespaces', () => {
    const visibility = visibilityOf(['vision', 'nlp']);
    expect(visibleNamespaces(visibility)).toEqual(['vision', 'nlp']);
    expect(canSee(visibility, 'vision')).toBe(true);
    expect(canSee(visibility, 'audio')).toBe(false);
    expect(canSee(visibility, '*')).toBe(false);
  });

  it('sees every namespace when granted *, filtering nothing in SQL', () => {
    const visibility = visibilityOf(['vision', '*']);
    expect(visibleNamespaces(visibility)).toBeNull();
    expect(canSee(visibility, 'anything')).toBe(true);
  });
});
