import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { InvalidEventsException } from './http-errors';

/**
 * Like @Query(name) for a parameter that must appear at most once: `?namespace=a&namespace=b` parses
 * to an array, which the handlers must never see as a string. Repeating it is a 400 naming it.
 */
export const SingleQuery = createParamDecorator((name: string, context: ExecutionContext) => {
  const value = (context.switchToHttp().getRequest<FastifyRequest>().query as Record<string, unknown>)[name];
  if (value === undefined || typeof value === 'string') return value;
  throw new InvalidEventsException([
    { index: -1, field: name, message: 'query parameter must be given at most once' },
  ]);
});
