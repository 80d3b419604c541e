import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { withApiKeySecurity } from '@strata/auth';

/** Swagger UI's files, served from the installed swagger-ui-dist (no @fastify/static is installed). */
const swaggerUiAssets: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
};

const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Strata query API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });</script>
</body></html>`;

/** Publishes the OpenAPI document at /openapi.json and Swagger UI at /docs. */
export function setUpOpenApi(app: NestFastifyApplication): void {
  const config = withApiKeySecurity(new DocumentBuilder())
    .setTitle('Strata query API')
    .setDescription(
      'Labels, leaves and lineage of machine-learning datasets, as of any point of the log; ' +
        'training-set exports, frozen releases with manifests and datasheets, W3C PROV-JSON. ' +
        'Errors are RFC 9457 problem details (application/problem+json). Every /v1 endpoint needs an API key ' +
        '(`Authorization: Bearer <key>` or `X-Api-Key: <key>`) with the read scope (admin to freeze releases), ' +
        'and shows only the data of the namespaces the key grants.',
    )
    .setVersion('1')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // ui: false because Nest's own UI serving needs @fastify/static; the few assets are served below.
  SwaggerModule.setup('docs', app, document, { ui: false, raw: ['json'], jsonDocumentUrl: 'openapi.json' });

  const fastify = app.getHttpAdapter().getInstance();
  const assetsDirectory = path.dirname(require.resolve('swagger-ui-dist/package.json'));
  fastify.get('/docs', (_request, reply) => reply.type('text/html; charset=utf-8').send(docsPage));
  for (const [file, contentType] of Object.entries(swaggerUiAssets)) {
    const body = readFileSync(path.join(assetsDirectory, file));
    fastify.get(`/docs/${file}`, (_request, reply) => reply.type(contentType).send(body));
  }
}
