/**
 * The explorer's pages. The query API answers `serverRoutes` with the explorer's index.html (its
 * SPA fallback) and imports them from here, so the two cannot drift apart.
 */
export type Route =
  | { page: 'search' }
  | { page: 'item'; itemId: string }
  | { page: 'lineage' }
  | { page: 'releases' }
  | { page: 'release'; snapshotId: string };

/** Fastify route patterns of the pages; none overlaps the API's /v1, /docs, /health or /metrics. */
export const serverRoutes = ['/', '/items/*', '/lineage', '/releases', '/releases/*'] as const;

export const itemPath = (itemId: string) => `/items/${encodeURIComponent(itemId)}`;
export const releasePath = (snapshotId: string) => `/releases/${encodeURIComponent(snapshotId)}`;
export const lineagePath = (node: string, direction = 'both', depth = 3) =>
  `/lineage?${new URLSearchParams({ node, direction, depth: String(depth) })}`;

/** The page a path shows, or undefined for a path the explorer does not know. */
export function matchRoute(pathname: string): Route | undefined {
  if (pathname === '/') return { page: 'search' };
  if (pathname === '/lineage') return { page: 'lineage' };
  if (pathname === '/releases') return { page: 'releases' };
  const [, section, id, ...more] = pathname.split('/');
  if (!id || more.length > 0) return undefined;
  const decoded = safeDecode(id);
  if (decoded === undefined) return undefined;
  if (section === 'items') return { page: 'item', itemId: decoded };
  if (section === 'releases') return { page: 'release', snapshotId: decoded };
  return undefined;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
