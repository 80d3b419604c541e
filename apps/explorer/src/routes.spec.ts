import { describe, expect, it } from 'vitest';
import { itemPath, lineagePath, matchRoute, releasePath } from './routes';

describe('routes', () => {
  it('round-trips ids with slashes, spaces and unicode through item and release paths', () => {
    for (const id of ['img-1', 'a/b c', 'ünï', '%41']) {
      expect(matchRoute(itemPath(id))).toEqual({ page: 'item', itemId: id });
      expect(matchRoute(releasePath(id))).toEqual({ page: 'release', snapshotId: id });
    }
  });

  it('knows the fixed pages and nothing else', () => {
    expect(matchRoute('/')).toEqual({ page: 'search' });
    expect(matchRoute('/lineage')).toEqual({ page: 'lineage' });
    expect(matchRoute('/releases')).toEqual({ page: 'releases' });
    for (const unknown of ['/items', '/items/', '/items/a/b', '/v1/items/a', '/items/%E0%A4%A']) {
      expect(matchRoute(unknown)).toBeUndefined();
    }
  });

  it('builds lineage links with their query', () => {
    expect(lineagePath('artifact:model:resnet@1', 'upstream', 5)).toBe(
      '/lineage?node=artifact%3Amodel%3Aresnet%401&direction=upstream&depth=5',
    );
  });
});
