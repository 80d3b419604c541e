import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import { BodyLimitFilter, parseJsonBody } from './common/body-errors';
import { GatewayModule, type GatewayDependencies } from './gateway.module';

/** The gateway's Nest application (not yet listening), with its OpenAPI document at /openapi.json. */
export async function createGatewayApp(
  dependencies: GatewayDependencies,
  options: { bodyLimitBytes: number },
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    GatewayModule.register(dependencies),
    new FastifyAdapter({ bodyLimit: options.bodyLimitBytes }),
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(app.get(NestPinoLogger));
  app.useBodyParser('application/json', { bodyLimit: options.bodyLimitBytes }, parseJsonBody);
  app.useGlobalFilters(new BodyLimitFilter(app.getHttpAdapter(), options.bodyLimitBytes));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Strata ingest gateway')
      .setDescription(
        'Typed events, OpenLineage run events and Label Studio webhooks into Strata’s Kafka topics.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { ui: false, raw: ['json'], jsonDocumentUrl: 'openapi.json' });
  return app;
}
