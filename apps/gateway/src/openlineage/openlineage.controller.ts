import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { SingleQuery } from '../common/single-query';
import { RequiresApiKey, type AuthenticatedRequest } from '@strata/auth';
import { InvalidEventsException, type EventIssue } from '../common/http-errors';
import { IngestService, type IndexedEvent } from '../events/ingest.service';
import { mapOpenLineageEvent } from './openlineage.mapping';

interface LineageResponse {
  events: {
    index: number;
    type: string;
    eventId: string;
    topic: string;
    partition: number;
    offset: string;
  }[];
  ignored: { index: number; reason: string }[];
}

/** OpenLineage's HTTP transport endpoints, so Airflow, Spark or dbt integrations report runs unchanged. */
@ApiTags('openlineage')
@Controller('api/v1/lineage')
@RequiresApiKey('write')
export class OpenLineageController {
  constructor(private readonly ingest: IngestService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Record one OpenLineage RunEvent as Strata run and step events' })
  @ApiQuery({
    name: 'namespace',
    required: false,
    description: 'Strata namespace; default: the job namespace',
  })
  @ApiResponse({ status: 400, description: 'Malformed RunEvent (field named); nothing written.' })
  async one(
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
    @SingleQuery('namespace') namespace?: string,
  ) {
    return this.record([body], request, namespace);
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Record a JSON array of OpenLineage RunEvents, all or nothing' })
  @ApiQuery({ name: 'namespace', required: false })
  async batch(
    @Body() body: unknown,
    @Req() request: AuthenticatedRequest,
    @SingleQuery('namespace') namespace?: string,
  ) {
    if (!Array.isArray(body)) {
      throw new InvalidEventsException([
        { index: -1, field: '(body)', message: 'must be a JSON array of RunEvents' },
      ]);
    }
    return this.record(body, request, namespace);
  }

  private async record(
    runEvents: unknown[],
    request: AuthenticatedRequest,
    namespace?: string,
  ): Promise<LineageResponse> {
    const mapped: IndexedEvent[] = [];
    const issues: EventIssue[] = [];
    const ignored: LineageResponse['ignored'] = [];
    runEvents.forEach((runEvent, index) => {
      const result = mapOpenLineageEvent(runEvent, {
        namespace: namespace || undefined,
        actorId: request.principal.name,
      });
      if (!result.ok) issues.push(...result.issues.map((issue) => ({ index, ...issue })));
      else {
        mapped.push(...result.events.map((event) => ({ index, event })));
        if (result.ignored) ignored.push({ index, reason: result.ignored });
      }
    });
    if (issues.length > 0) throw new InvalidEventsException(issues);
    const written = await this.ingest.write(mapped, request.principal);
    return {
      events: written.map((ack, position) => ({ ...ack, type: mapped[position].event.type })),
      ignored,
    };
  }
}
