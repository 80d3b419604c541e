import {
  BadRequestException,
  Catch,
  HttpException,
  HttpStatus,
  PayloadTooLargeException,
  type ArgumentsHost,
  type HttpServer,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

type RefusalStatus = HttpStatus.BAD_REQUEST | HttpStatus.PAYLOAD_TOO_LARGE | HttpStatus.REQUEST_TIMEOUT;

/** The answer to a body that is refused as a whole, shaped like every other refusal of the gateway. */
function bodyRefusal(status: RefusalStatus, problem: string) {
  return {
    statusCode: status,
    error: STATUS_CODES[status],
    message: `${problem}; nothing was written`,
    issues: [{ index: -1, field: '(body)', message: problem }],
  };
}

/**
 * Answers a request Node refused before Fastify saw it — one that did not arrive within
 * `requestTimeoutMs` (a slow or stalled client), or malformed HTTP — then closes the connection.
 */
export function clientErrorAnswer(requestTimeoutMs: number) {
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const timedOut = error.code === 'ERR_HTTP_REQUEST_TIMEOUT';
    const status = timedOut ? HttpStatus.REQUEST_TIMEOUT : HttpStatus.BAD_REQUEST;
    const body = JSON.stringify(
      bodyRefusal(
        status,
        timedOut
          ? `requestTimeoutMs: the request did not arrive within ${requestTimeoutMs} ms`
          : 'the request is not valid HTTP',
      ),
    );
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  };
}

/**
 * The JSON body parser of the gateway (registered with Nest's body parsing turned off), so malformed
 * JSON gets an answer naming the body like every other refusal.
 */
export function parseJsonBody(
  _request: unknown,
  body: Buffer,
  done: (error: Error | null, value?: unknown) => void,
): void {
  try {
    done(null, JSON.parse(body.toString('utf8')));
  } catch (error) {
    const problem = `the body is not valid JSON (${(error as Error).message})`;
    done(new BadRequestException(bodyRefusal(HttpStatus.BAD_REQUEST, problem)));
  }
}

/**
 * Fastify refuses a body over its limit before any controller runs, and Nest turns that into a bare
 * 413. This filter says what the limit is and that nothing was written; other exceptions keep Nest's
 * handling.
 */
@Catch()
export class BodyLimitFilter extends BaseExceptionFilter {
  constructor(
    httpAdapter: HttpServer,
    private readonly bodyLimitBytes: number,
  ) {
    super(httpAdapter);
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const tooLarge =
      exception instanceof HttpException &&
      exception.getStatus() === HttpStatus.PAYLOAD_TOO_LARGE &&
      typeof exception.getResponse() === 'string';
    super.catch(
      tooLarge
        ? new PayloadTooLargeException(
            bodyRefusal(
              HttpStatus.PAYLOAD_TOO_LARGE,
              `the body is larger than the ${this.bodyLimitBytes}-byte limit`,
            ),
          )
        : exception,
      host,
    );
  }
}
