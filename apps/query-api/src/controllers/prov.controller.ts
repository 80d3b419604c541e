import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiAsOfQuery, ApiNodeQuery, ApiProblems } from '../common/openapi-decorators';
import { SingleQuery } from '../common/single-query';
import { RequiresApiKey } from '@strata/auth';
import { ReaderVisibility } from '../common/reader';
import type { Visibility } from '../domain/read-scope';
import { parseNodeId } from '../domain/node-id';
import { AsOfResolver } from '../services/as-of.resolver';
import { ProvService } from '../services/prov.service';

@ApiTags('provenance')
@RequiresApiKey('read')
@Controller('v1/prov')
export class ProvController {
  constructor(
    private readonly prov: ProvService,
    private readonly asOf: AsOfResolver,
  ) {}

  @Get()
  @ApiOperation({
    summary: "W3C PROV-JSON of an item's, a label's, a run's, an artifact's or a release's provenance",
    description:
      'Labels, items and artifacts are entities; annotations, corrections, reviews, retractions, runs and steps ' +
      'are activities; annotators, models, rules and pipelines are agents; a correction is a wasDerivedFrom ' +
      'of type prov:Revision. A release (`snapshot:<id>`) is a prov:Collection of its manifest labels.',
  })
  @ApiNodeQuery()
  @ApiAsOfQuery()
  @ApiProduces('application/json')
  @ApiOkResponse({ description: 'a PROV-JSON document (https://www.w3.org/submissions/prov-json/)' })
  @ApiProblems('the node does not exist at that point of the log')
  async document(
    @ReaderVisibility() visibility: Visibility,
    @SingleQuery('node') node?: string,
    @SingleQuery('asOf') asOf?: string,
  ) {
    const nodeId = parseNodeId(node, 'node');
    return this.prov.document(await this.asOf.resolve(asOf, visibility), nodeId);
  }
}
