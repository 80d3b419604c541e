import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** The Swagger UI assets the page below needs; nothing else of the package is served. */
const assets: Record<string, string> = {
  'swagger-ui.css': 'text/css',
  'swagger-ui-bundle.js': 'application/javascript',
  'swagger-ui-standalone-preset.js': 'application/javascript',
};

/** swagger-ui-dist (a dependency of @nestjs/swagger) ships no type declarations, so locate it by file. */
const assetDirectory = path.dirname(require.resolve('swagger-ui-dist/package.json'));

const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>Strata ingest gateway</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui' });</script>
</body></html>`;

/**
 * Serves Swagger UI at /docs from swagger-ui-dist directly: Nest's built-in UI serving on Fastify needs
 * @fastify/static, which this project does not depend on. The document itself is at /openapi.json.
 */
@ApiExcludeController()
@Controller('docs')
export class DocsController {
  @Get()
  index(@Res() reply: FastifyReply): void {
    void reply.type('text/html').send(page);
  }

  @Get(':asset')
  async asset(@Param('asset') asset: string, @Res() reply: FastifyReply): Promise<void> {
    const contentType = assets[asset];
    if (!contentType) throw new NotFoundException();
    const body = await readFile(path.join(assetDirectory, asset));
    void reply.type(contentType).header('cache-control', 'public, max-age=86400').send(body);
  }
}
