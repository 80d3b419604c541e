import path from 'node:path';

export interface ExplorerFile {
  body: Buffer;
  contentType: string;
}

/** The built explorer by URL path (`/index.html`, `/assets/index-1a2b3c.js`). */
export type ExplorerFiles = ReadonlyMap<string, ExplorerFile>;

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The URL path a built file is served at, from its path relative to the build directory. */
export function urlPathOf(relativeFile: string): string {
  return `/${relativeFile.split(path.sep).join('/')}`;
}

/** The file a request asks for: its path without query string; lookups are by exact key, never by disk path. */
export function requestedFile(url: string): string {
  const pathname = url.split('?', 1)[0];
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}

/**
 * Shares one run of `load` among all callers; a failed run is forgotten, so the next caller tries
 * again instead of every later request repeating a stale failure.
 */
export function sharedOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () =>
    (pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    }));
}
