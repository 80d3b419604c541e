import { applyDecorators } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiParam, ApiQuery } from '@nestjs/swagger';
import { nodeIdSyntax } from '../domain/node-id';
import { limits } from './limits';

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    parameter: { type: 'string', description: 'the query parameter at fault (400 only)' },
  },
};

const problemContent = { 'application/problem+json': { schema: problemSchema } };

/** The 400 and (optionally) 404 problem responses every read documents. */
export function ApiProblems(notFound?: string) {
  return applyDecorators(
    ApiBadRequestResponse({
      description: 'A malformed parameter; `parameter` names it',
      content: problemContent,
    }),
    ...(notFound ? [ApiNotFoundResponse({ description: notFound, content: problemContent })] : []),
  );
}

export function ApiAsOfQuery() {
  return ApiQuery({
    name: 'asOf',
    required: false,
    description:
      'Answer as the views stood at a point of the log: an ISO-8601 time with zone (`2026-01-31T12:00:00Z`), ' +
      'an offset vector (`strata.items:0=120,strata.items:1=98`: next offset per partition), ' +
      '`snapshot:<id>` (the offset vector a release was frozen at) or `latest` (default).',
    schema: { type: 'string' },
  });
}

export function ApiItemIdParam() {
  return ApiParam({
    name: 'itemId',
    description: 'the item id its producer registered',
    schema: { type: 'string' },
  });
}

export function ApiNodeQuery() {
  return ApiQuery({
    name: 'node',
    required: true,
    description: `node id: ${nodeIdSyntax}`,
    schema: { type: 'string' },
  });
}

export function ApiStrategyQueries() {
  return applyDecorators(
    ApiQuery({
      name: 'strategy',
      required: false,
      description:
        'how the leaves of an item become training labels: `latest` (default; last leaf made), `all-leaves`, ' +
        '`majority` (vote over the payload `field`; ties are unresolved) or `unresolved` (only the items ' +
        'needing human consolidation: several leaves, or a leaf whose latest review rejected it)',
      schema: { type: 'string', enum: ['latest', 'all-leaves', 'majority', 'unresolved'] },
    }),
    ApiQuery({
      name: 'field',
      required: false,
      description:
        'for `majority`: the payload field voted over, dotted for nested fields (`class`, `box.label`)',
      schema: { type: 'string' },
    }),
  );
}

export function ApiDepthAndLimitQueries() {
  const { lineageDepth, lineageNodes } = limits;
  return applyDecorators(
    ApiQuery({
      name: 'depth',
      required: false,
      description: `hops to follow (default ${lineageDepth.fallback}, at most ${lineageDepth.max}: more is a 400)`,
      schema: { type: 'integer', minimum: lineageDepth.min, maximum: lineageDepth.max },
    }),
    ApiQuery({
      name: 'limit',
      required: false,
      description: `node cap (default ${lineageNodes.fallback}, at most ${lineageNodes.max}); past it the graph says truncated`,
      schema: { type: 'integer', minimum: lineageNodes.min, maximum: lineageNodes.max },
    }),
  );
}
