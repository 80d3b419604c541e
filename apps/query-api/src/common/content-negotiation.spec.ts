import { describe, expect, it } from 'vitest';
import { prefersHtml } from './content-negotiation';

describe('prefersHtml', () => {
  it.each([
    [undefined, false],
    ['*/*', false],
    ['text/markdown', false],
    ['text/html', true],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
    ['text/markdown, text/html', false],
    ['text/markdown;q=0.5, text/html', true],
    ['text/html;q=0', false],
  ])('%j → %j', (accept, expected) => {
    expect(prefersHtml(accept)).toBe(expected);
  });
});
