import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAsOfQuery, ApiItemIdParam, ApiProblems } from '../common/openapi-decorators';
import { SingleQuery } from '../common/single-query';
import { RequiresApiKey } from '@strata/auth';
import { ReaderVisibility } from '../common/reader';
import type { Visibility } from '../domain/read-scope';
import { parseIdentifier } from '../domain/node-id';
import { AsOfResolver } from '../services/as-of.resolver';
import { ItemsService } from '../services/items.service';

@ApiTags('items')
@RequiresApiKey('read')
@Controller('v1/items')
export class ItemsController {
  constructor(
    private readonly items: ItemsService,
    private readonly asOf: AsOfResolver,
  ) {}

  @Get(':itemId')
  @ApiOperation({ summary: 'An item (uri, content hash, datasets, source, license) and its leaf labels' })
  @ApiItemIdParam()
  @ApiAsOfQuery()
  @ApiOkResponse({ description: '`{ item, leaves }`; each leaf carries `latestVerdict` of its last review' })
  @ApiProblems('no such item at that point of the log')
  async item(
    @ReaderVisibility() visibility: Visibility,
    @Param('itemId') itemId: string,
    @SingleQuery('asOf') asOf?: string,
  ) {
    return this.items.item(await this.asOf.resolve(asOf, visibility), parseIdentifier(itemId, 'itemId'));
  }

  @Get(':itemId/labels')
  @ApiOperation({
    summary:
      'The full label history of an item: the correction DAG with reviews, retractions, authors and tools',
  })
  @ApiItemIdParam()
  @ApiAsOfQuery()
  @ApiOkResponse({
    description:
      '`{ itemId, nodes, edges (child corrects parent), leaves, reviews, retractions, authors, tools }`',
  })
  @ApiProblems('no such item at that point of the log')
  async labels(
    @ReaderVisibility() visibility: Visibility,
    @Param('itemId') itemId: string,
    @SingleQuery('asOf') asOf?: string,
  ) {
    return this.items.labelHistory(
      await this.asOf.resolve(asOf, visibility),
      parseIdentifier(itemId, 'itemId'),
    );
  }

  @Get(':itemId/leaves')
  @ApiOperation({
    summary: 'The leaves of an item: labels not retracted and without a non-retracted correction',
  })
  @ApiItemIdParam()
  @ApiAsOfQuery()
  @ApiOkResponse({ description: '`{ itemId, leaves }` in log order' })
  @ApiProblems('no such item at that point of the log')
  async leaves(
    @ReaderVisibility() visibility: Visibility,
    @Param('itemId') itemId: string,
    @SingleQuery('asOf') asOf?: string,
  ) {
    return this.items.leaves(await this.asOf.resolve(asOf, visibility), parseIdentifier(itemId, 'itemId'));
  }
}
