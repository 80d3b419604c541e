import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { BadParameterError } from '../common/errors';
import { limits, parseBoundedInteger } from '../common/limits';
import { SingleQuery } from '../common/single-query';
import { RequiresApiKey } from '@strata/auth';
import { ReaderVisibility } from '../common/reader';
import type { Visibility } from '../domain/read-scope';
import {
  ApiAsOfQuery,
  ApiDepthAndLimitQueries,
  ApiItemIdParam,
  ApiNodeQuery,
  ApiProblems,
} from '../common/openapi-decorators';
import { decodeLineageCursor } from '../domain/lineage-page';
import { parseIdentifier, parseNodeId } from '../domain/node-id';
import { AsOfResolver } from '../services/as-of.resolver';
import { LineageService, type Direction } from '../services/lineage.service';

const directions: Direction[] = ['upstream', 'downstream', 'both'];

function parseDirection(raw: string | undefined): Direction {
  const direction = (raw || 'both') as Direction;
  if (!directions.includes(direction)) {
    throw new BadParameterError('direction', `must be one of ${directions.join(', ')}`);
  }
  return direction;
}

@ApiTags('lineage')
@RequiresApiKey('read')
@Controller('v1')
export class LineageController {
  constructor(
    private readonly lineage: LineageService,
    private readonly asOf: AsOfResolver,
  ) {}

  @Get('lineage')
  @ApiOperation({
    summary: 'The lineage graph around a node: artifacts, steps, runs and items, up- and/or downstream',
    description:
      'Breadth-first from the node. `nodes` are paged by `limit`; `truncated` says more exist and `nextCursor` ' +
      'continues. Each edge is sent once, on the page where both its ends are known.',
  })
  @ApiNodeQuery()
  @ApiQuery({ name: 'direction', required: false, enum: directions, description: 'default `both`' })
  @ApiDepthAndLimitQueries()
  @ApiQuery({ name: 'cursor', required: false, description: '`nextCursor` of the previous page' })
  @ApiAsOfQuery()
  @ApiOkResponse({ description: '`{ root, nodes, edges, truncated, nextCursor }`' })
  @ApiProblems('the node does not exist at that point of the log')
  async graph(
    @ReaderVisibility() visibility: Visibility,
    @SingleQuery('node') node?: string,
    @SingleQuery('direction') direction?: string,
    @SingleQuery('depth') depth?: string,
    @SingleQuery('limit') limit?: string,
    @SingleQuery('cursor') cursor?: string,
    @SingleQuery('asOf') asOf?: string,
  ) {
    const request = {
      node: parseNodeId(node, 'node'),
      direction: parseDirection(direction),
      depth: parseBoundedInteger(depth, 'depth', limits.lineageDepth),
      page: {
        skip: decodeLineageCursor(cursor),
        limit: parseBoundedInteger(limit, 'limit', limits.lineageNodes),
      },
    };
    return this.lineage.graph(await this.asOf.resolve(asOf, visibility), request);
  }

  @Get('items/:itemId/provenance')
  @ApiOperation({
    summary: 'The chain of transformation steps (with runs, code versions, parameters) that produced an item',
  })
  @ApiItemIdParam()
  @ApiQuery({
    name: 'depth',
    required: false,
    description: `steps to walk back (default ${limits.lineageDepth.fallback}, at most ${limits.lineageDepth.max})`,
  })
  @ApiAsOfQuery()
  @ApiOkResponse({
    description:
      '`{ itemId, steps: [{ step, run, depth }], truncated }`, nearest step first. Of a step that paired its ' +
      'inputs with its outputs (per-sample provenance), only the samples upstream of the item are listed, ' +
      'each input and output with its `sampleGroups`: an output was made from the inputs sharing a group with it.',
  })
  @ApiProblems('no such item at that point of the log')
  async provenance(
    @ReaderVisibility() visibility: Visibility,
    @Param('itemId') itemId: string,
    @SingleQuery('depth') depth?: string,
    @SingleQuery('asOf') asOf?: string,
  ) {
    return this.lineage.provenanceOf(
      await this.asOf.resolve(asOf, visibility),
      parseIdentifier(itemId, 'itemId'),
      parseBoundedInteger(depth, 'depth', limits.lineageDepth),
    );
  }
}
