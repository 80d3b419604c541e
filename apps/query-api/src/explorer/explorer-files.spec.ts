import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeOf, requestedFile, sharedOnce, urlPathOf } from './explorer-files';

describe('explorer files', () => {
  it('names content types by extension, defaulting to bytes', () => {
    expect(contentTypeOf('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('assets/index-1A.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('assets/x.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('assets/blob')).toBe('application/octet-stream');
  });

  it('maps built files to URL paths and requests to the same keys', () => {
    expect(urlPathOf(path.join('assets', 'index-1a.js'))).toBe('/assets/index-1a.js');
    expect(requestedFile('/assets/index-1a.js?v=2')).toBe('/assets/index-1a.js');
    expect(requestedFile('/assets/a%20b.js')).toBe('/assets/a b.js');
    expect(requestedFile('/assets/%E0%A4%A')).toBe('/assets/%E0%A4%A');
  });

  it('shares one load among concurrent callers, and tries again after a failure', async () => {
    let calls = 0;
    const load = sharedOnce(async () => {
      calls += 1;
      if (calls === 1) throw new Error('first build failed');
      return calls;
    });
    await expect(Promise.all([load(), load()])).rejects.toThrow('first build failed');
    expect(calls).toBe(1);
    expect(await Promise.all([load(), load()])).toEqual([2, 2]);
    expect(await load()).toBe(2);
  });
});
