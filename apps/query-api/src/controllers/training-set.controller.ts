import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiAsOfQuery, ApiProblems, ApiStrategyQueries } from '../common/openapi-decorators';
import { SingleQuery } from '../common/single-query';
import { RequiresApiKey } from '@strata/auth';
import { ReaderVisibility } from '../common/reader';
import type { Visibility } from '../domain/read-scope';
import { textStream } from '../common/streams';
import { parseStrategy } from '../domain/consolidation';
import { parseIdentifier } from '../domain/node-id';
import { AsOfResolver } from '../services/as-of.resolver';
import { TrainingSetService } from '../services/training-set.service';

@ApiTags('training sets')
@RequiresApiKey('read')
@Controller('v1/training-set')
export class TrainingSetController {
  constructor(
    private readonly trainingSet: TrainingSetService,
    private readonly asOf: AsOfResolver,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'Export a training set as NDJSON: (item, uri, content hash, label) under a consolidation strategy',
    description:
      'Streamed in item-id order with back pressure and constant server memory. A `latest` export reads ' +
      'one database snapshot, as the projector had committed it when the export started. Each line is ' +
      '`{ itemId, uri, contentHash, task, label, vote? }`, or under `strategy=unresolved` ' +
      '`{ itemId, uri, contentHash, task, unresolved: reason, leaves }`.',
  })
  @ApiQuery({ name: 'dataset', required: false, description: 'only items registered in this dataset' })
  @ApiQuery({ name: 'task', required: false, description: 'only labels of this task (e.g. `class`, `bbox`)' })
  @ApiStrategyQueries()
  @ApiAsOfQuery()
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'one JSON object per line' })
  @ApiProblems('the snapshot named in asOf does not exist')
  async export(
    @Res() reply: FastifyReply,
    @ReaderVisibility() visibility: Visibility,
    @SingleQuery('dataset') dataset?: string,
    @SingleQuery('task') task?: string,
    @SingleQuery('strategy') strategy?: string,
    @SingleQuery('field') field?: string,
    @SingleQuery('asOf') asOf?: string,
  ): Promise<void> {
    // Everything that can be a 400 or 404 is checked before the first byte goes out.
    const selection = {
      dataset: dataset === undefined ? undefined : parseIdentifier(dataset, 'dataset'),
      task: task === undefined ? undefined : parseIdentifier(task, 'task'),
    };
    const consolidation = parseStrategy(strategy, field);
    const ndjson = this.trainingSet.ndjson(
      await this.asOf.resolve(asOf, visibility),
      selection,
      consolidation,
    );
    await reply.type('application/x-ndjson; charset=utf-8').send(textStream(ndjson));
  }
}
