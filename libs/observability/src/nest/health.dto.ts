import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CheckResult, ReadinessDetail, ReadinessReport } from '../readiness';
import type { LivenessReport } from '../observability';

/*
 * OpenAPI shapes of the health answers. The reports themselves are built by Observability; these
 * classes only describe them for /openapi.json.
 */

export class LivenessDto implements LivenessReport {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';

  @ApiProperty({ example: 'gateway' })
  service!: string;

  @ApiProperty({ example: 3600 })
  uptimeSeconds!: number;
}

export class CheckResultDto implements CheckResult {
  @ApiProperty({ enum: ['up', 'down'] })
  status!: 'up' | 'down';

  @ApiProperty({ description: 'How long the check took', example: 3 })
  durationMs!: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    example: { brokers: 3, controller: 1 },
  })
  detail?: ReadinessDetail;

  @ApiPropertyOptional({ description: 'Why the dependency is not usable', example: 'Connection refused' })
  error?: string;
}

export class ReadinessDto implements ReadinessReport {
  @ApiProperty({ enum: ['ready', 'not ready'] })
  status!: 'ready' | 'not ready';

  @ApiProperty({ example: 'projector' })
  service!: string;

  @ApiProperty({
    description: 'One entry per dependency: kafka, schemaRegistry, postgres',
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/CheckResultDto' },
  })
  checks!: Record<string, CheckResult>;
}
