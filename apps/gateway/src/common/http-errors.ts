import { HttpException, HttpStatus } from '@nestjs/common';
import type { FieldIssue } from '@strata/sdk';

/** A problem with one event of a request: its index in the request and the field. */
export interface EventIssue extends FieldIssue {
  index: number;
}

/** 400: the request is invalid; nothing of it was written. */
export class InvalidEventsException extends HttpException {
  constructor(issues: EventIssue[]) {
    const first = issues[0];
    super(
      {
        statusCode: HttpStatus.BAD_REQUEST,
        error: 'Bad Request',
        message: `invalid event ${first.index}: ${first.field}: ${first.message}; nothing was written`,
        issues,
      },
      HttpStatus.BAD_REQUEST,
    );
  }
}

/** 503: Kafka or the schema registry could not take the events; nothing was acknowledged. */
export class IngestUnavailableException extends HttpException {
  constructor(reason: string) {
    super(
      {
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        error: 'Service Unavailable',
        message: `${reason}; no event of this request was acknowledged, retry it unchanged (event ids make retries safe)`,
      },
      HttpStatus.SERVICE_UNAVAILABLE,
    );
  }
}
