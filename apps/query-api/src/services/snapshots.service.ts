import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { allNamespaces } from '@strata/auth';
import { Topics } from '@strata/kafka';
import { NotFoundError, UnavailableError } from '../common/errors';
import { limits } from '../common/limits';
import { parseAsOf, sortOffsets, type AsOfRequest, type OffsetPosition } from '../domain/as-of';
import {
  formatStrategy,
  parseFormattedStrategy,
  parseStrategy,
  type Strategy,
} from '../domain/consolidation';
import { LeafStatistics, renderDatasheetHtml, renderDatasheetMarkdown } from '../domain/datasheet';
import type { Release } from '../domain/lineage';
import { everyNamespace, visibilityOf, type ReadScope, type Visibility } from '../domain/read-scope';
import { ManifestDigest, type ManifestEntry } from '../domain/training-set';
import { LOG_OFFSETS, RELEASE_PUBLISHER, type LogOffsets, type ReleasePublisher } from '../ports';
import { SnapshotsRepository } from '../repositories/snapshots.repository';
import type { Selection } from '../repositories/training-set.repository';
import { TrainingSetService } from './training-set.service';

export interface CreateReleaseRequest {
  name: string;
  /** The namespace whose items the release holds; absent or `*`: every namespace. */
  namespace?: string;
  asOf?: string;
  dataset?: string;
  task?: string;
  strategy?: string;
  field?: string;
}

/** A frozen release, and whether the projector had stored it (so GET finds it) when we answered. */
export interface FrozenRelease {
  release: Release;
  stored: boolean;
}

/** The topics a release's offset vector covers: labels live in items, lineage in runs. */
const releaseTopics = [Topics.items, Topics.runs];
/** How long freezing waits for the projector: to reach the asked offsets, then to store the release. */
const projectorWaitMs = 15_000;
const pollMs = 100;

/**
 * What the views are asked to recompute a release's manifest: a pure function of the release (its
 * offsets and its namespace, never the reader's), so every reader allowed to see it gets the same bytes.
 */
export function manifestQueryOf(release: Release): {
  scope: ReadScope;
  selection: Selection;
  strategy: Strategy;
} {
  return {
    scope: {
      asOf: { kind: 'offsets', offsets: release.offsets },
      visibility: visibilityOf([release.namespace]),
    },
    selection: { dataset: release.dataset ?? undefined, task: release.task ?? undefined },
    strategy: parseFormattedStrategy(release.strategy),
  };
}

@Injectable()
export class SnapshotsService {
  constructor(
    private readonly snapshots: SnapshotsRepository,
    private readonly trainingSet: TrainingSetService,
    @Inject(RELEASE_PUBLISHER) private readonly publisher: ReleasePublisher,
    @Inject(LOG_OFFSETS) private readonly logOffsets: LogOffsets,
  ) {}

  /**
   * Freezes a release: resolves the offset vector it is cut at, computes its manifest's SHA-256 from
   * the views at exactly those offsets, and publishes SnapshotFrozen. The manifest is a function of
   * the offset vector alone, so any rebuild recomputes the same hash. The projector is the only
   * writer of the views: it stores the release from the event, and we wait (bounded) to see it.
   */
  async create(request: CreateReleaseRequest, creator: Visibility = everyNamespace): Promise<FrozenRelease> {
    const strategy = parseStrategy(request.strategy, request.field);
    const asOfRequest = parseAsOf(request.asOf);
    const offsets = await this.offsetVectorOf(asOfRequest, creator);
    const namespace = request.namespace ?? allNamespaces;
    const selection = { dataset: request.dataset, task: request.task };
    const digest = new ManifestDigest();
    const scope = { asOf: { kind: 'offsets' as const, offsets }, visibility: visibilityOf([namespace]) };
    for await (const entry of this.trainingSet.manifest(scope, selection, strategy)) digest.add(entry);
    const release: Release = {
      snapshotId: randomUUID(),
      name: request.name,
      namespace,
      dataset: request.dataset ?? null,
      task: request.task ?? null,
      strategy: formatStrategy(strategy),
      offsets,
      asOfTime: asOfRequest.kind === 'time' ? asOfRequest.time.toISOString() : null,
      manifestSha256: digest.digest(),
      itemCount: digest.itemCount,
      labelCount: digest.labelCount,
      createdAt: new Date().toISOString(),
    };
    await this.publisher.publish(release);
    const stored = await this.poll(() => this.snapshots.find(release.snapshotId, everyNamespace));
    return { release: stored ?? release, stored: stored !== undefined };
  }

  /** A release the reader may see; 404 otherwise, as for one that does not exist. */
  async find(snapshotId: string, visibility: Visibility): Promise<Release> {
    const release = await this.snapshots.find(snapshotId, visibility);
    if (!release) throw new NotFoundError('snapshot', snapshotId);
    return release;
  }

  /** The manifest entries recomputed from the views at the release's offset vector. */
  async manifest(
    snapshotId: string,
    visibility: Visibility,
  ): Promise<{ release: Release; entries: AsyncGenerator<ManifestEntry> }> {
    const release = await this.find(snapshotId, visibility);
    const { scope, selection, strategy } = manifestQueryOf(release);
    return { release, entries: this.trainingSet.manifest(scope, selection, strategy) };
  }

  async datasheet(snapshotId: string, visibility: Visibility, format: 'markdown' | 'html'): Promise<string> {
    const release = await this.find(snapshotId, visibility);
    const { scope, selection } = manifestQueryOf(release);
    const history = await this.snapshots.datasheetHistory(release, scope, limits.datasheetRows);
    const leaves = new LeafStatistics();
    for await (const { leaves: itemLeaves } of this.trainingSet.itemsWithLeaves(scope, selection))
      leaves.add(itemLeaves);
    const facts = {
      ...history,
      release,
      multiLeafItems: leaves.multiLeafItems,
      distribution: leaves.distribution(limits.datasheetRows),
    };
    return format === 'html' ? renderDatasheetHtml(facts) : renderDatasheetMarkdown(facts);
  }

  private async offsetVectorOf(asOf: AsOfRequest, creator: Visibility): Promise<OffsetPosition[]> {
    switch (asOf.kind) {
      case 'latest':
        return this.snapshots.checkpoints();
      case 'snapshot':
        return (await this.find(asOf.snapshotId, creator)).offsets;
      case 'offsets':
        await this.awaitProjection(asOf.offsets);
        return sortOffsets(asOf.offsets);
      case 'time': {
        // ListOffsets by time answers "first offset at or after T"; +1 ms makes events stamped T included.
        const offsets = await this.logOffsets.offsetsAtTime(releaseTopics, new Date(asOf.time.getTime() + 1));
        await this.awaitProjection(offsets);
        return sortOffsets(offsets);
      }
    }
  }

  /** A manifest cut at offsets the projector has not reached would silently miss events: wait, or 503. */
  private async awaitProjection(target: readonly OffsetPosition[]): Promise<void> {
    const behind = async () => {
      const reached = new Map(
        (await this.snapshots.checkpoints()).map((c) => [`${c.topic}:${c.partition}`, c.offset]),
      );
      return target.filter((t) => t.offset > (reached.get(`${t.topic}:${t.partition}`) ?? 0));
    };
    const caughtUp = await this.poll(async () => ((await behind()).length === 0 ? true : undefined));
    if (!caughtUp) {
      const missing = (await behind()).map((t) => `${t.topic}:${t.partition}=${t.offset}`).join(',');
      throw new UnavailableError(`the projector has not reached ${missing} yet; try again later`);
    }
  }

  /** Asks `probe` until it answers or projectorWaitMs passes. */
  private async poll<T>(probe: () => Promise<T | undefined>): Promise<T | undefined> {
    const deadline = Date.now() + projectorWaitMs;
    for (;;) {
      const answer = await probe();
      if (answer !== undefined || Date.now() >= deadline) return answer;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}
