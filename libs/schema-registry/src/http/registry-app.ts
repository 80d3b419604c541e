import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { RegistryError, registryErrors } from '../registry-error';
import { parseVersion, type RegistryService, type SchemaRequest } from '../registry-service';
import { avroSchemaType, type StoredSchema, type SubjectVersion } from '../registry-state';

/** Confluent's media type: accepted on requests (with any other) and set on every response. */
export const registryContentType = 'application/vnd.schemaregistry.v1+json';

type SubjectParams = { subject: string };
type VersionParams = { subject: string; version: string };
type Query = Record<string, string | undefined>;

/** Confluent leaves `schemaType` out for AVRO; clients treat a missing type as AVRO. */
function typed(schema: StoredSchema): { schemaType?: string } {
  return schema.schemaType === avroSchemaType ? {} : { schemaType: schema.schemaType };
}

function versionBody(entry: SubjectVersion) {
  return {
    subject: entry.subject,
    version: entry.version,
    id: entry.id,
    schema: entry.schema,
    ...typed(entry),
  };
}

function schemaId(raw: string): number {
  const id = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(id))
    throw registryErrors.schemaNotFound(`Schema ${raw} not found`);
  return id;
}

function body(request: FastifyRequest): SchemaRequest {
  const value = request.body;
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw registryErrors.badRequest('the body must be a JSON object');
  return value as SchemaRequest;
}

/**
 * The Confluent Schema Registry REST subset that Confluent serdes and @kafkajs/confluent-schema-registry
 * use, over a {@link RegistryService}. Thin: parsing paths and bodies, shaping answers, mapping errors.
 */
export function buildRegistryApp(service: RegistryService, logger: Logger) {
  // Clients poll the registry constantly; a log line per request would drown everything else.
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
  });

  // Clients send Confluent's media type (or plain JSON, or none): parse every body as JSON.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, text, done) => {
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text as string));
    } catch (error) {
      done(registryErrors.badRequest(`malformed JSON body: ${(error as Error).message}`), undefined);
    }
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-type', registryContentType);
    return payload;
  });
  app.setErrorHandler((error, request, reply: FastifyReply) => {
    if (error instanceof RegistryError) return reply.status(error.status).send(error.toJSON());
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.status(status).send({ error_code: status, message: (error as Error).message });
    }
    request.log.error({ err: error, url: request.url }, 'schema registry request failed');
    const failure = registryErrors.storeError((error as Error).message);
    return reply.status(failure.status).send(failure.toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    const failure = registryErrors.notFound(request.method, request.url);
    return reply.status(failure.status).send(failure.toJSON());
  });

  app.get('/', async () => ({}));
  app.get('/schemas/types', async () => [avroSchemaType]);

  app.get<{ Params: { id: string } }>('/schemas/ids/:id', async (request) => {
    const schema = service.schemaById(schemaId(request.params.id));
    return { schema: schema.schema, ...typed(schema) };
  });
  app.get<{ Params: { id: string } }>('/schemas/ids/:id/schema', async (request, reply) =>
    reply.send(service.schemaById(schemaId(request.params.id)).schema),
  );

  app.get<{ Querystring: Query }>('/subjects', async (request) =>
    service.subjects(request.query.deleted === 'true'),
  );
  app.get<{ Params: SubjectParams }>('/subjects/:subject/versions', async (request) =>
    service.versionNumbers(request.params.subject),
  );
  app.get<{ Params: VersionParams }>('/subjects/:subject/versions/:version', async (request) =>
    versionBody(service.version(request.params.subject, parseVersion(request.params.version))),
  );
  app.get<{ Params: VersionParams }>('/subjects/:subject/versions/:version/schema', async (request, reply) =>
    reply.send(service.version(request.params.subject, parseVersion(request.params.version)).schema),
  );
  app.post<{ Params: SubjectParams }>('/subjects/:subject/versions', async (request) =>
    service.register(request.params.subject, body(request)),
  );
  app.post<{ Params: SubjectParams }>('/subjects/:subject', async (request) =>
    versionBody(service.lookup(request.params.subject, body(request))),
  );
  app.delete<{ Params: SubjectParams }>('/subjects/:subject', async (request) =>
    service.deleteSubject(request.params.subject),
  );
  app.delete<{ Params: VersionParams }>('/subjects/:subject/versions/:version', async (request) =>
    service.deleteVersion(request.params.subject, parseVersion(request.params.version)),
  );

  const compatibility = (
    request: FastifyRequest<{ Params: SubjectParams & { version?: string }; Querystring: Query }>,
  ) => {
    const { subject, version } = request.params;
    const selector = version === undefined ? undefined : parseVersion(version);
    const { compatible, messages } = service.compatibility(subject, selector, body(request));
    return request.query.verbose === 'true'
      ? { is_compatible: compatible, messages }
      : { is_compatible: compatible };
  };
  app.post(
    '/compatibility/subjects/:subject/versions/:version',
    async (request: FastifyRequest<{ Params: VersionParams; Querystring: Query }>) => compatibility(request),
  );
  app.post(
    '/compatibility/subjects/:subject/versions',
    async (request: FastifyRequest<{ Params: SubjectParams; Querystring: Query }>) => compatibility(request),
  );

  app.get('/config', async () => ({ compatibilityLevel: service.globalLevel() }));
  app.put('/config', async (request) => ({
    compatibility: await service.setLevel(null, body(request).compatibility),
  }));
  app.get<{ Params: SubjectParams; Querystring: Query }>('/config/:subject', async (request) => ({
    compatibilityLevel: service.subjectLevel(
      request.params.subject,
      request.query.defaultToGlobal === 'true',
    ),
  }));
  app.put<{ Params: SubjectParams }>('/config/:subject', async (request) => ({
    compatibility: await service.setLevel(request.params.subject, body(request).compatibility),
  }));
  app.delete<{ Params: SubjectParams }>('/config/:subject', async (request) => ({
    compatibilityLevel: await service.deleteSubjectLevel(request.params.subject),
  }));

  return app;
}
