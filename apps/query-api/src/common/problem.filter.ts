import { ArgumentsHost, Catch, HttpException, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { BadParameterError, NotFoundError, UnavailableError } from './errors';

/** RFC 9457 problem details; `parameter` names the query parameter at fault on a 400. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  parameter?: string;
}

const problemTypeBase = 'https://strata.dev/problems/';

export function problemOf(error: unknown): Problem {
  if (error instanceof BadParameterError) {
    return {
      type: `${problemTypeBase}bad-parameter`,
      title: 'Bad request parameter',
      status: HttpStatus.BAD_REQUEST,
      detail: error.message,
      parameter: error.parameter,
    };
  }
  if (error instanceof NotFoundError) {
    return {
      type: `${problemTypeBase}not-found`,
      title: `${error.resource[0].toUpperCase()}${error.resource.slice(1)} not found`,
      status: HttpStatus.NOT_FOUND,
      detail: error.message,
    };
  }
  if (error instanceof UnavailableError) {
    return {
      type: `${problemTypeBase}unavailable`,
      title: 'Service unavailable',
      status: HttpStatus.SERVICE_UNAVAILABLE,
      detail: error.message,
    };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    return {
      type: status === HttpStatus.NOT_FOUND ? `${problemTypeBase}not-found` : 'about:blank',
      title: HttpStatus[status]?.replace(/_/g, ' ').toLowerCase() ?? 'error',
      status,
      detail: error.message,
    };
  }
  return {
    type: 'about:blank',
    title: 'Internal server error',
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    detail: 'The server failed to answer; the error is logged.',
  };
}

/** Every error leaves as application/problem+json; unexpected ones are logged, never echoed. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = { ...problemOf(error), instance: request.url };
    if (problem.status >= 500) this.logger.error({ err: error, url: request.url }, 'request failed');
    // A stream that failed after its headers went out can only be cut short, not answered again.
    if (reply.sent) {
      reply.raw.destroy(error instanceof Error ? error : undefined);
      return;
    }
    void reply.status(problem.status).type('application/problem+json').send(problem);
  }
}
