import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ArgumentsHost, Catch, HttpException, HttpStatus, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { BadParameterError, NotFoundError, UnavailableError } from './errors';
import { defaultServiceLimits, type ServiceLimits } from './limits';
import { queryCanceledCode } from './statement-timeout';

/**
 * RFC 9457 problem details; `parameter` names the query parameter at fault on a 400, `limit` the
 * service limit a request ran into (a key of ServiceLimits).
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  parameter?: string;
  limit?: keyof ServiceLimits;
}

const problemTypeBase = 'https://strata.dev/problems/';

type LimitFacts = Pick<ServiceLimits, 'bodyLimitBytes' | 'statementTimeoutMs' | 'requestTimeoutMs'>;

/** Answers for requests that ran into a service limit, naming it; undefined for other errors. */
function limitProblemOf(error: unknown, limits: LimitFacts): Problem | undefined {
  const status = error instanceof HttpException ? error.getStatus() : undefined;
  if (status === HttpStatus.PAYLOAD_TOO_LARGE) {
    return {
      type: `${problemTypeBase}limit-exceeded`,
      title: 'Request body too large',
      status,
      detail: `bodyLimitBytes: the body is larger than the ${limits.bodyLimitBytes}-byte limit`,
      limit: 'bodyLimitBytes',
    };
  }
  if (status === HttpStatus.TOO_MANY_REQUESTS) {
    return {
      type: `${problemTypeBase}limit-exceeded`,
      title: 'Too many requests',
      status,
      detail: (error as HttpException).message,
      limit: 'rateLimit',
    };
  }
  if ((error as { code?: unknown } | null)?.code === queryCanceledCode) {
    return {
      type: `${problemTypeBase}limit-exceeded`,
      title: 'Query took too long',
      status: HttpStatus.SERVICE_UNAVAILABLE,
      detail:
        `statementTimeoutMs: the query ran longer than the ${limits.statementTimeoutMs} ms statement timeout ` +
        'and was cancelled; ask for less (a smaller depth, limit or selection) or try again later',
      limit: 'statementTimeoutMs',
    };
  }
  return undefined;
}

/**
 * Answers a request Node refused before it reached Fastify (too slow to arrive, malformed HTTP) as a
 * problem naming the reason, then closes the connection.
 */
export function clientErrorAnswer(limits: LimitFacts) {
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const status = timedOut ? HttpStatus.REQUEST_TIMEOUT : HttpStatus.BAD_REQUEST;
    const problem: Problem = timedOut
      ? {
          type: `${problemTypeBase}limit-exceeded`,
          title: 'Request timeout',
          status,
          detail: `requestTimeoutMs: the request did not arrive within ${limits.requestTimeoutMs} ms`,
          limit: 'requestTimeoutMs',
        }
      : { type: 'about:blank', title: 'Bad request', status, detail: 'the request is not valid HTTP' };
    const body = JSON.stringify(problem);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
}

export function problemOf(error: unknown, limits: LimitFacts = defaultServiceLimits): Problem {
  const limitProblem = limitProblemOf(error, limits);
  if (limitProblem) return limitProblem;
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
  constructor(
    private readonly logger: Logger,
    private readonly limits: LimitFacts,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = { ...problemOf(error, this.limits), instance: request.url };
    if (problem.status >= 500) this.logger.error({ err: error, url: request.url }, 'request failed');
    // A stream that failed after its headers went out can only be cut short, not answered again.
    if (reply.sent) {
      reply.raw.destroy(error instanceof Error ? error : undefined);
      return;
    }
    void reply.status(problem.status).type('application/problem+json').send(problem);
  }
}
