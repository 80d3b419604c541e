import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { serverRoutes } from '../../../explorer/src/routes';
import { NotFoundError, UnavailableError } from '../common/errors';
import { problemOf } from '../common/problem.filter';
import { buildExplorer } from './explorer-build';
import { requestedFile, sharedOnce, type ExplorerFiles } from './explorer-files';

/**
 * The page runs only its own bundle and talks only to this origin. Inline styles stay allowed:
 * cytoscape injects its own, and the datasheet (shown in a sandboxed frame without scripts) has some.
 */
const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * Serves the lineage explorer (apps/explorer) at `/`: its pages answer with index.html so deep links
 * work (the SPA fallback), and its hashed assets under /assets are cached for good. The pages are
 * plain routes beside the API's, which they never overlap, so /v1, /docs, /health and /metrics keep
 * their own answers, 404s included. The app is built on the first request for it (see buildExplorer).
 */
export function setUpExplorer(app: NestFastifyApplication, logger: Logger): void {
  explorerRoutes(app.getHttpAdapter().getInstance(), logger);
}

/** The explorer's routes on a Fastify instance; `build` makes its files (tests pass their own). */
export function explorerRoutes(
  fastify: FastifyInstance,
  logger: Logger,
  build: () => Promise<ExplorerFiles> = buildExplorer,
): void {
  const files = sharedOnce(async () => {
    const started = Date.now();
    const built = await build();
    logger.info({ files: built.size, ms: Date.now() - started }, 'explorer built');
    return built;
  });

  const send = async (request: FastifyRequest, reply: FastifyReply, file: string, cacheControl: string) => {
    let built: ExplorerFiles;
    try {
      built = await files();
    } catch (error) {
      logger.error({ err: error }, 'explorer unavailable');
      return problem(
        request,
        reply,
        new UnavailableError(`the explorer could not be built: ${(error as Error).message}`),
      );
    }
    const found = built.get(file);
    if (!found) return problem(request, reply, new NotFoundError('explorer file', file));
    return reply
      .type(found.contentType)
      .headers({ ...securityHeaders, 'cache-control': cacheControl })
      .send(found.body);
  };

  for (const route of serverRoutes) {
    // index.html names the current assets' hashes, so it is revalidated every time.
    fastify.get(route, (request, reply) => send(request, reply, '/index.html', 'no-cache'));
  }
  fastify.get('/assets/*', (request, reply) =>
    send(request, reply, requestedFile(request.url), 'public, max-age=31536000, immutable'),
  );
}

function problem(request: FastifyRequest, reply: FastifyReply, error: Error) {
  const body = { ...problemOf(error), instance: request.url };
  return reply.status(body.status).type('application/problem+json').send(body);
}
