import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { SingleQuery } from '../common/single-query';
import { RequiresApiKey, type AuthenticatedRequest } from '@strata/auth';
import { InvalidEventsException } from '../common/http-errors';
import { IngestService } from '../events/ingest.service';
import { AnnotationHistoryCache } from './annotation-history';
import { mapLabelStudioWebhook } from './label-studio.mapping';

export const ANNOTATION_HISTORY = Symbol('AnnotationHistory');

/** Label Studio's webhook target: configure it with the API key as a header and `?namespace=`. */
@ApiTags('label-studio')
@Controller('v1/webhooks/label-studio')
@RequiresApiKey('write')
export class LabelStudioController {
  constructor(
    private readonly ingest: IngestService,
    @Inject(ANNOTATION_HISTORY) private readonly history: AnnotationHistoryCache,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Record a Label Studio annotation webhook',
    description:
      'ANNOTATION_CREATED → LabelCreated, ANNOTATION_UPDATED → LabelCorrected of the previous version, ' +
      'ANNOTATION(S)_DELETED → LabelRetracted. Ids derive from the annotation id and version time, so retried ' +
      'webhooks are harmless.',
  })
  @ApiQuery({ name: 'namespace', required: true })
  @ApiResponse({
    status: 400,
    description: 'Unsupported or malformed payload (field named); nothing written.',
  })
  async receive(
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
    @SingleQuery('namespace') namespace?: string,
  ) {
    if (!namespace) {
      throw new InvalidEventsException([
        { index: 0, field: 'namespace', message: 'query parameter is required' },
      ]);
    }
    const mapping = mapLabelStudioWebhook(body, { namespace, historyOf: (key) => this.history.get(key) });
    if (!mapping.result.ok) {
      throw new InvalidEventsException(mapping.result.issues.map((issue) => ({ index: 0, ...issue })));
    }
    const { events, ignored } = mapping.result;
    const written = await this.ingest.write(
      events.map((event) => ({ index: 0, event })),
      request.principal,
    );
    for (const [key, entry] of mapping.histories) this.history.remember(key, entry);
    return {
      events: written.map(({ index: _index, ...ack }, position) => ({ ...ack, type: events[position].type })),
      ignored: ignored ?? null,
    };
  }
}
