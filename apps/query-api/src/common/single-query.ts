import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { BadParameterError } from './errors';

/** A query parameter's value when given at most once; a repeated one (`?a=1&a=2`) is a 400, not a 500. */
export function singleQueryValue(query: unknown, name: string): string | undefined {
  const value = (query as Record<string, unknown> | undefined)?.[name];
  if (value === undefined || typeof value === 'string') return value;
  throw new BadParameterError(name, 'must be given at most once');
}

/** Like @Query(name), for parameters that must appear at most once. */
export const SingleQuery = createParamDecorator((name: string, context: ExecutionContext) =>
  singleQueryValue(context.switchToHttp().getRequest<FastifyRequest>().query, name),
);
