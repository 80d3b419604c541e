import { Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { SingleQuery } from '../common/single-query';
import { RequiresApiKey, type AuthenticatedRequest } from '@strata/auth';
import { InvalidEventsException, type EventIssue } from '../common/http-errors';
import { checkEventBatch, EVENT_CHECKS, type EventChecks } from './event-batch';
import { IngestService } from './ingest.service';

export const MAX_EVENTS_PER_REQUEST = 10_000;

export interface IngestResponse {
  results: (
    | { index: number; status: 'written'; eventId: string; topic: string; partition: number; offset: string }
    | {
        index: number;
        status: 'rejected';
        issues: Omit<EventIssue, 'index'>[];
      }
  )[];
}

@ApiTags('ingest')
@Controller('v1/events')
@RequiresApiKey('write')
export class EventsController {
  constructor(
    private readonly ingest: IngestService,
    @Inject(EVENT_CHECKS) private readonly checks: EventChecks,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Write typed Strata events',
    description:
      'A JSON array of `{ "type": "LabelCreated", "event": { … } }` (times as epoch milliseconds, payloads and ' +
      'parameters as JSON text). Everything is validated and encoded before anything is sent; the answer comes ' +
      'after Kafka acknowledged (acks=all), with the topic, partition and offset of each event. An invalid ' +
      'request gets 400 naming each event index and field and writes nothing, unless `partial=true`, which ' +
      'writes the valid events and reports the rejected ones.',
  })
  @ApiQuery({ name: 'partial', required: false, type: Boolean })
  @ApiBody({
    schema: {
      type: 'array',
      items: { type: 'object', properties: { type: { type: 'string' }, event: { type: 'object' } } },
    },
  })
  @ApiResponse({ status: 200, description: 'Every written event with its topic, partition and offset.' })
  @ApiResponse({ status: 400, description: 'Invalid events (index and field named); nothing written.' })
  @ApiResponse({ status: 401, description: 'No or invalid API key.' })
  @ApiResponse({ status: 403, description: 'The key lacks the write scope or an event’s namespace.' })
  @ApiResponse({ status: 413, description: 'Body larger than the configured limit.' })
  @ApiResponse({
    status: 503,
    description: 'Kafka or the schema registry unavailable; nothing acknowledged.',
  })
  async write(
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
    @SingleQuery('partial') partial?: string,
  ): Promise<IngestResponse> {
    const { valid, issues } = checkEventBatch(body, this.checks, MAX_EVENTS_PER_REQUEST);
    const acceptPartial = partial === 'true' || partial === '1';
    if (
      issues.length > 0 &&
      (!acceptPartial || valid.length === 0 || issues.some((issue) => issue.index < 0))
    ) {
      throw new InvalidEventsException(issues);
    }
    const written = await this.ingest.write(valid, request.principal);
    const results: IngestResponse['results'] = written.map(({ index, ...ack }) => ({
      index,
      status: 'written',
      ...ack,
    }));
    const rejected = new Map<number, Omit<EventIssue, 'index'>[]>();
    for (const { index, ...issue } of issues) rejected.set(index, [...(rejected.get(index) ?? []), issue]);
    for (const [index, eventIssues] of rejected) {
      results.push({ index, status: 'rejected', issues: eventIssues });
    }
    return { results: results.sort((a, b) => a.index - b.index) };
  }
}
