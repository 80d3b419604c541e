import { Controller, Get, Header, Res } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Observability, readinessStatusCode, type LivenessReport } from '../observability';
import type { ReadinessReport } from '../readiness';
import { CheckResultDto, LivenessDto, ReadinessDto } from './health.dto';

@ApiTags('observability')
@ApiExtraModels(CheckResultDto)
@Controller('health')
export class HealthController {
  constructor(private readonly observability: Observability) {}

  @Get('live')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Liveness: the process serves requests (dependencies are not checked)' })
  @ApiOkResponse({ type: LivenessDto })
  live(): LivenessReport {
    return this.observability.liveness();
  }

  @Get('ready')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Readiness: Kafka, the schema registry and PostgreSQL answer' })
  @ApiOkResponse({ type: ReadinessDto, description: 'Every check is up' })
  @ApiServiceUnavailableResponse({ type: ReadinessDto, description: 'At least one check is down' })
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<ReadinessReport> {
    const report = await this.observability.readiness();
    reply.status(readinessStatusCode(report));
    return report;
  }
}
