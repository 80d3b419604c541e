import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiAsOfQuery, ApiProblems } from '../common/openapi-decorators';
import { SingleQuery } from '../common/single-query';
import { RequiresApiKey } from '@strata/auth';
import { ReaderVisibility } from '../common/reader';
import type { Visibility } from '../domain/read-scope';
import { parseUuid } from '../domain/node-id';
import { AsOfResolver } from '../services/as-of.resolver';
import { LabelsService } from '../services/labels.service';

@ApiTags('labels')
@RequiresApiKey('read')
@Controller('v1/labels')
export class LabelsController {
  constructor(
    private readonly labels: LabelsService,
    private readonly asOf: AsOfResolver,
  ) {}

  @Get(':labelId')
  @ApiOperation({
    summary: 'A label node with its ancestors (what it corrects) and descendants (its corrections)',
  })
  @ApiParam({ name: 'labelId', description: 'label UUID', schema: { type: 'string', format: 'uuid' } })
  @ApiAsOfQuery()
  @ApiOkResponse({ description: '`{ label, isLeaf, retraction, reviews, ancestors, descendants }`' })
  @ApiProblems('no such label at that point of the log')
  async label(
    @ReaderVisibility() visibility: Visibility,
    @Param('labelId') labelId: string,
    @SingleQuery('asOf') asOf?: string,
  ) {
    return this.labels.label(await this.asOf.resolve(asOf, visibility), parseUuid(labelId, 'labelId'));
  }
}
