import { Body, Controller, ForbiddenException, Get, Headers, Param, Post, Res } from '@nestjs/common';
import { authorize, RequiresApiKey, RequiresScope, type Principal } from '@strata/auth';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { BadParameterError } from '../common/errors';
import { ApiProblems } from '../common/openapi-decorators';
import { ApiKeyPrincipal, ReaderVisibility } from '../common/reader';
import type { Visibility } from '../domain/read-scope';
import { prefersHtml } from '../common/content-negotiation';
import { textStream } from '../common/streams';
import { manifestLine, type ManifestEntry } from '../domain/training-set';
import { controlCharacters, parseUuid } from '../domain/node-id';
import { SnapshotsService } from '../services/snapshots.service';

class CreateSnapshotBody {
  @ApiProperty({ description: 'release name', example: 'pets-2026-01', maxLength: 200 })
  name!: string;
  @ApiPropertyOptional({
    description:
      'the namespace whose items the release holds (`*`: every namespace, for keys granted `*`); ' +
      "default the API key's namespace when it has exactly one",
  })
  namespace?: string;
  @ApiPropertyOptional({
    description: 'ISO time, offset vector `topic:partition=offset,…`, `snapshot:<id>` or `latest` (default)',
  })
  asOf?: string;
  @ApiPropertyOptional({ description: 'only items of this dataset' })
  dataset?: string;
  @ApiPropertyOptional({ description: 'only labels of this task' })
  task?: string;
  @ApiPropertyOptional({ enum: ['latest', 'all-leaves', 'majority', 'unresolved'], default: 'latest' })
  strategy?: string;
  @ApiPropertyOptional({ description: 'for `majority`: the payload field voted over' })
  field?: string;
}

// Text goes into an event and then into PostgreSQL, which refuses NUL: refuse it here, naming the field.
const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((value) => !controlCharacters.test(value), 'must be printable (no control characters)');
const createSnapshotSchema = z.strictObject({
  name: text(200),
  namespace: text(512).optional(),
  asOf: text(20_000).optional(),
  dataset: text(512).optional(),
  task: text(512).optional(),
  strategy: text(64).optional(),
  field: text(200).optional(),
});

function parseCreateBody(body: unknown): CreateSnapshotBody {
  const result = createSnapshotSchema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new BadParameterError(issue.path.join('.') || 'body', issue.message);
}

/** The namespace a release is frozen for: the asked one if the key may administer it, else the key's only one. */
function releaseNamespace(principal: Principal, requested: string | undefined): string {
  if (requested === undefined) {
    if (principal.namespaces.length === 1) return principal.namespaces[0];
    throw new BadParameterError(
      'namespace',
      `required: the API key grants several namespaces (${principal.namespaces.join(', ')})`,
    );
  }
  const decision = authorize(principal, 'admin', requested);
  if (!decision.allowed) throw new ForbiddenException(decision.reason);
  return requested;
}

const releaseDescription =
  '`{ snapshotId, name, dataset, task, strategy, offsets, asOfTime, manifestSha256, itemCount, labelCount, createdAt }`';

@ApiTags('snapshots')
@RequiresApiKey('read')
@Controller('v1/snapshots')
export class SnapshotsController {
  constructor(private readonly snapshots: SnapshotsService) {}

  @Post()
  // Freezing publishes to the log and is an operator's act (issue 9: "snapshot needs an admin scope").
  @RequiresScope('admin')
  @ApiOperation({
    summary:
      'Freeze a release: resolve the offset vector, build the manifest and its SHA-256, publish SnapshotFrozen',
  })
  @ApiBody({ type: CreateSnapshotBody })
  @ApiCreatedResponse({ description: `${releaseDescription}; the projector has stored it` })
  @ApiAcceptedResponse({ description: 'published, but the projector had not stored it yet when answering' })
  @ApiProblems('the snapshot named in asOf does not exist')
  @ApiServiceUnavailableResponse({
    description: 'the projector has not reached the requested offsets, or no Kafka',
  })
  async create(
    @ApiKeyPrincipal() principal: Principal,
    @ReaderVisibility() visibility: Visibility,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const request = parseCreateBody(body);
    const namespace = releaseNamespace(principal, request.namespace);
    const { release, stored } = await this.snapshots.create({ ...request, namespace }, visibility);
    // 202 when the projector has not stored the release yet: it is published, GET will find it later.
    await reply
      .status(stored ? 201 : 202)
      .header('location', `/v1/snapshots/${release.snapshotId}`)
      .send(release);
  }

  @Get(':snapshotId')
  @ApiOperation({ summary: 'A frozen release' })
  @ApiParam({ name: 'snapshotId', schema: { type: 'string', format: 'uuid' } })
  @ApiOkResponse({ description: releaseDescription })
  @ApiProblems('no such snapshot')
  async find(@ReaderVisibility() visibility: Visibility, @Param('snapshotId') snapshotId: string) {
    return this.snapshots.find(parseUuid(snapshotId, 'snapshotId'), visibility);
  }

  @Get(':snapshotId/manifest')
  @ApiOperation({
    summary:
      'The manifest, recomputed from the views at the release offsets: `item<TAB>label<TAB>content hash` lines',
    description:
      'Ordered by item id then label id (code-point order); tabs, newlines and backslashes in ids are escaped ' +
      'as in PostgreSQL text COPY. Its SHA-256 equals `manifestSha256` (also sent as `X-Manifest-Sha256`).',
  })
  @ApiParam({ name: 'snapshotId', schema: { type: 'string', format: 'uuid' } })
  @ApiProduces('text/tab-separated-values')
  @ApiOkResponse({ description: 'the manifest, streamed' })
  @ApiProblems('no such snapshot')
  async manifest(
    @ReaderVisibility() visibility: Visibility,
    @Param('snapshotId') snapshotId: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { release, entries } = await this.snapshots.manifest(
      parseUuid(snapshotId, 'snapshotId'),
      visibility,
    );
    await reply
      .type('text/tab-separated-values; charset=utf-8')
      .header('x-manifest-sha256', release.manifestSha256)
      .send(textStream(manifestText(entries)));
  }

  @Get(':snapshotId/datasheet')
  @ApiOperation({
    summary:
      'The datasheet of a release, computed from lineage: Markdown, or HTML when Accept prefers text/html',
  })
  @ApiParam({ name: 'snapshotId', schema: { type: 'string', format: 'uuid' } })
  @ApiProduces('text/markdown', 'text/html')
  @ApiOkResponse({ description: 'counts, label distribution, annotators and tools, rates, steps, sources' })
  @ApiProblems('no such snapshot')
  async datasheet(
    @ReaderVisibility() visibility: Visibility,
    @Param('snapshotId') snapshotId: string,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const format = prefersHtml(accept) ? 'html' : 'markdown';
    const body = await this.snapshots.datasheet(parseUuid(snapshotId, 'snapshotId'), visibility, format);
    await reply
      .type(format === 'html' ? 'text/html; charset=utf-8' : 'text/markdown; charset=utf-8')
      .header('vary', 'Accept')
      .send(body);
  }
}

async function* manifestText(entries: AsyncIterable<ManifestEntry>): AsyncGenerator<string> {
  for await (const entry of entries) yield manifestLine(entry);
}
