import { describe, expect, it } from 'vitest';
import { failureMessage, splitNdjson, withQuery } from './api';

describe('failureMessage', () => {
  it('tells a refused key from a key without the read scope, and asks for another', () => {
    expect(failureMessage(401, 'the API key is unknown')).toBe(
      'The API key was not accepted (the API key is unknown). Enter a valid key.',
    );
    expect(failureMessage(401, undefined)).toMatch(/not accepted \(unknown, malformed or revoked\)/);
    expect(failureMessage(403, 'API key "w" lacks the read scope')).toMatch(
      /may not read .*lacks the read scope.*Enter a key with the read scope/,
    );
  });

  it("passes the API's own detail through for other failures", () => {
    expect(failureMessage(404, 'item "x" not found')).toBe('item "x" not found');
    expect(failureMessage(400, 'depth: must be between 1 and 10')).toBe(
      'The query API answered 400: depth: must be between 1 and 10.',
    );
    expect(failureMessage(502, undefined)).toBe('The query API answered 502.');
    expect(failureMessage(429, undefined)).toMatch(/too many requests; wait a moment/);
  });
});

describe('withQuery', () => {
  it('encodes parameters and leaves out empty ones', () => {
    expect(withQuery('/v1/lineage', { node: 'item:a b', depth: 3, cursor: undefined, asOf: '' })).toBe(
      '/v1/lineage?node=item%3Aa+b&depth=3',
    );
    expect(withQuery('/v1/x', {})).toBe('/v1/x');
  });
});

describe('splitNdjson', () => {
  it('parses whole lines and keeps a partial one for the next chunk', () => {
    expect(splitNdjson('{"a":1}\n\n{"b":')).toEqual({ lines: [{ a: 1 }], rest: '{"b":' });
    expect(splitNdjson('{"b":2}\n')).toEqual({ lines: [{ b: 2 }], rest: '' });
  });
});
