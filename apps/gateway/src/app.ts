import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { withApiKeySecurity } from '@strata/auth';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import { BodyLimitFilter, clientErrorAnswer, parseJsonBody } from './common/body-errors';
import { GatewayModule, type GatewayDependencies } from './gateway.module';

/** The gateway's Nest application (not yet listening), with its OpenAPI document at /openapi.json. */
export async function createGatewayApp(
  dependencies: GatewayDependencies,
  options: { bodyLimitBytes: number; requestTimeoutMs?: number; connectionTimeoutMs?: number },
): Promise<NestFastifyApplication> {
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.register(dependencies),
    new FastifyAdapter({
      bodyLimit: options.bodyLimitBytes,
      requestTimeout: requestTimeoutMs,
      connectionTimeout: options.connectionTimeoutMs ?? 60_000,
      // Node checks request timeouts every connectionsCheckingInterval (30 s by default).
      http: { connectionsCheckingInterval: Math.min(30_000, Math.ceil(requestTimeoutMs / 4)) },
      clientErrorHandler: clientErrorAnswer(requestTimeoutMs),
    }),
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(app.get(NestPinoLogger));
  app.useBodyParser('application/json', { bodyLimit: options.bodyLimitBytes }, parseJsonBody);
  app.useGlobalFilters(new BodyLimitFilter(app.getHttpAdapter(), options.bodyLimitBytes));
  const document = SwaggerModule.createDocument(
    app,
    withApiKeySecurity(new DocumentBuilder())
      .setTitle('Strata ingest gateway')
      .setDescription(
        'Typed events, OpenLineage run events and Label Studio webhooks into Strata’s Kafka topics.',
      )
      .setVersion('1')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { ui: false, raw: ['json'], jsonDocumentUrl: 'openapi.json' });
  return app;
}
